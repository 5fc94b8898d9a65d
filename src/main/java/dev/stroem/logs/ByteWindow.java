package dev.stroem.logs;

/**
 * How much of a log a {@code tailBytes} read returned.
 *
 * @param totalBytes    bytes of JSONL (newlines included) of every line the query matches
 * @param returnedBytes bytes of the whole lines returned, at most the requested budget
 * @param truncated     true when lines were left out ({@code returnedBytes < totalBytes})
 */
public record ByteWindow(long totalBytes, long returnedBytes, boolean truncated) {}
