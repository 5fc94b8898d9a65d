package dev.stroem.logs;

/**
 * What an append stored.
 *
 * @param firstIndex global 0-based index (line number in the job's file) of the batch's first stored line
 * @param count      number of stored lines (more than sent when long lines were split)
 * @param duplicate  true when the batch id had already been written: nothing was written now, and
 *                   {@code firstIndex}/{@code count} are those of the original write
 */
public record AppendResult(long firstIndex, int count, boolean duplicate) {}
