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
 */
public record JobLogRef(String jobId, String workspace, String taskName, Instant createdAt, boolean terminal,
                        Long archivedBytes) {

    public JobLogRef {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(workspace, "workspace");
        Objects.requireNonNull(taskName, "taskName");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** The same job, terminal, with {@code archivedBytes} as the last successful archive left them. */
    public JobLogRef archived(long bytes) {
        return new JobLogRef(jobId, workspace, taskName, createdAt, true, bytes);
    }
}
