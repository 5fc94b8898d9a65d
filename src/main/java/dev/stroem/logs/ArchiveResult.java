package dev.stroem.logs;

/**
 * What {@link LogArchiver#archive} did.
 *
 * @param key               the archive key of the job's log
 * @param archived          false when the job had no local log, so nothing was written
 * @param uncompressedBytes bytes of the local log that were archived: store it as the job's
 *                          {@link JobLogRef#archivedBytes()}
 * @param compressedBytes   size of the archived (gzip) object
 */
public record ArchiveResult(String key, boolean archived, long uncompressedBytes, long compressedBytes) {}
