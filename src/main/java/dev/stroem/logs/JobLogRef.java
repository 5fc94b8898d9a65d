package dev.stroem.logs;

import java.time.Instant;
import java.util.Objects;

/**
 * What the log engine needs to know about a job to find its log everywhere it may be.
 *
 * @param jobId         the job id (the file and key name)
 * @param workspace     the job's workspace (part of the archive key)
 * @param taskName      the job's task (part of the archive key)
 * @param createdAt     when the job was created (the archive key's date and time, in UTC)
 * @param terminal      whether the job reached a terminal state (completed, failed, cancelled)
 * @param archivedBytes size of the local log when it was last archived successfully, null when never
 *                      (or when the archive holds lines the local log lacks)
 * @param archiveKey    the key the log was archived under, prefix included, null when never archived:
 *                      used instead of a key made from the current prefix, which may have changed since
 * @param archivedLines lines in the archived log, null when unknown
 */
public record JobLogRef(String jobId, String workspace, String taskName, Instant createdAt, boolean terminal,
                        Long archivedBytes, String archiveKey, Long archivedLines) {

    public JobLogRef {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(workspace, "workspace");
        Objects.requireNonNull(taskName, "taskName");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** A job whose log was never archived, or whose archive record is not at hand. */
    public JobLogRef(String jobId, String workspace, String taskName, Instant createdAt, boolean terminal,
            Long archivedBytes) {
        this(jobId, workspace, taskName, createdAt, terminal, archivedBytes, null, null);
    }

    /** The same job, terminal, with {@code archivedBytes} as the last successful archive left them. */
    public JobLogRef archived(long bytes) {
        return new JobLogRef(jobId, workspace, taskName, createdAt, true, bytes, archiveKey, archivedLines);
    }

    /** The key of the job's archived log: the recorded one, else the one {@code prefix} makes. */
    public String archiveKeyFor(String prefix) {
        return archiveKey != null ? archiveKey : ArchiveKey.of(prefix, this);
    }
}
