package dev.stroem.jobs.store;

import dev.stroem.jobs.JobStatus;

/**
 * Filters of {@code GET /api/jobs}; null means "any". {@code search} matches, case-insensitively,
 * anywhere in the job id, task name, workspace or source id.
 */
public record JobFilter(String workspace, String taskName, JobStatus status, String sourceType, String search) {
    public static final JobFilter ALL = new JobFilter(null, null, null, null, null);

    public JobFilter(String workspace, String taskName, JobStatus status) {
        this(workspace, taskName, status, null, null);
    }
}
