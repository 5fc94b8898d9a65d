package dev.stroem.logs;

/**
 * What {@link LogArchiver#archive} did.
 *
 * @param key                the archive key of the job's log
 * @param archived           false when the job had no local log, so nothing was written
 * @param uncompressedBytes  bytes of JSONL that were archived
 * @param compressedBytes    size of the archived (gzip) object
 * @param mergedWithArchived true when the upload was the union of the local log and an earlier
 *                           archived log the local file no longer held in full
 * @param lines              lines in the archived object
 */
public record ArchiveResult(String key, boolean archived, long uncompressedBytes, long compressedBytes,
                            boolean mergedWithArchived, long lines) {

    public ArchiveResult(String key, boolean archived, long uncompressedBytes, long compressedBytes) {
        this(key, archived, uncompressedBytes, compressedBytes, false, 0);
    }

    /**
     * What to store as the job's {@link JobLogRef#archivedBytes()}: the local log's size when the
     * archive holds exactly the local file, null after a merged upload (the archive then holds
     * lines the local file lacks, so reads must always merge).
     */
    public Long archivedBytesForReads() {
        return mergedWithArchived ? null : uncompressedBytes;
    }
}
