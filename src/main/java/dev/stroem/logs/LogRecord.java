package dev.stroem.logs;

/**
 * One line of a read.
 *
 * @param index the line's global 0-based index in its source (its line number in the job's
 *              file for local reads; its position in the merged or archived log otherwise)
 * @param text  the line's JSON object as stored, without the newline (plain text for legacy {@code .log} files)
 */
public record LogRecord(long index, String text) {}
