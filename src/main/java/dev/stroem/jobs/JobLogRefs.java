package dev.stroem.jobs;

import dev.stroem.jobs.store.JobStore;
import dev.stroem.jobs.store.LogState;
import dev.stroem.jobs.store.LogStateStore;
import dev.stroem.logs.JobLogRef;
import java.util.Optional;

/** What the log engine needs to know about a job (archive key parts, terminal, archive record), from the database. */
public final class JobLogRefs {
    private final JobStore jobs;
    private final LogStateStore logStates;

    public JobLogRefs(JobStore jobs, LogStateStore logStates) {
        this.jobs = jobs;
        this.logStates = logStates;
    }

    public Optional<JobLogRef> of(String jobId) {
        return jobs.findJob(jobId).map(this::of);
    }

    public JobLogRef of(Job job) {
        var state = logStates.find(job.jobId()).orElse(null);
        return new JobLogRef(job.jobId(), job.workspace(), job.taskName(), job.createdAt(), job.status().isTerminal(),
                state == null ? null : state.archivedBytes(), state == null ? null : state.key(),
                state == null ? null : state.archivedLines());
    }

    /** The job's log state, for callers that also need the rest of it. */
    public Optional<LogState> state(String jobId) {
        return logStates.find(jobId);
    }
}
