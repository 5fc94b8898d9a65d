package dev.stroem.jobs;

import dev.stroem.jobs.store.JobStore;
import dev.stroem.logs.LiveLogHub;

/**
 * Ends a job's live log streams once nothing more will be written to its log. That is when the
 * job is finalised and so is every hook job it fired: a hook that fails reports
 * {@code [hooks] Hook '…' failed} on its parent's log while the hook job is finalised, after the
 * parent itself ended, and viewers of the parent (its Server Events panel above all) must get that
 * line rather than a closed socket.
 */
public final class LiveLogEnding implements JobFinalizer.FinalisedListener {
    private final JobStore jobs;
    private final LiveLogHub hub;

    public LiveLogEnding(JobStore jobs, LiveLogHub hub) {
        this.jobs = jobs;
        this.hub = hub;
    }

    @Override
    public void finalised(String jobId, JobStatus status) {
        endIfComplete(jobId, status);
        jobs.findJob(jobId)
                .filter(job -> Job.SOURCE_HOOK.equals(job.sourceType()) && job.sourceId() != null)
                .flatMap(hook -> jobs.findJob(hook.sourceId()))
                .ifPresent(parent -> endIfComplete(parent.jobId(), parent.status()));
    }

    private void endIfComplete(String jobId, JobStatus status) {
        if (jobs.isLogComplete(jobId)) {
            hub.jobEnded(jobId, status.wireName());
        }
    }
}
