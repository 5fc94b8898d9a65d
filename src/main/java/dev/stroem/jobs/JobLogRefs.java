package dev.stroem.jobs;

import dev.stroem.jobs.store.JobStore;
import dev.stroem.logs.JobLogRef;
import dev.stroem.logs.archive.ArchiveQueue;
import dev.stroem.logs.archive.ArchiveState;
import java.util.Optional;

/** What the log engine needs to know about a job (archive key parts, terminal, archived size), from the database. */
public final class JobLogRefs {
    private final JobStore jobs;
    private final ArchiveQueue archives;

    /** {@code archives} is null when no archive is configured. */
    public JobLogRefs(JobStore jobs, ArchiveQueue archives) {
        this.jobs = jobs;
        this.archives = archives;
    }

    public Optional<JobLogRef> of(String jobId) {
        return jobs.findJob(jobId).map(this::of);
    }

    public JobLogRef of(Job job) {
        Long archivedBytes = archives == null ? null
                : archives.find(job.jobId()).map(ArchiveState::archivedBytes).orElse(null);
        return new JobLogRef(job.jobId(), job.workspace(), job.taskName(), job.createdAt(), job.status().isTerminal(),
                archivedBytes);
    }
}
