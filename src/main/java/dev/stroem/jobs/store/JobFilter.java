package dev.stroem.jobs.store;

import dev.stroem.jobs.JobStatus;

/** Filters of {@code GET /api/jobs}; null means "any". */
public record JobFilter(String workspace, String taskName, JobStatus status) {
    public static final JobFilter ALL = new JobFilter(null, null, null);
}
