package dev.stroem.jobs;

import dev.stroem.jobs.store.LogStateStore;
import dev.stroem.logs.LiveLogHub;
import java.time.Duration;

/**
 * Ends a job's live log streams once nothing more will be written to its log: the job is
 * finalised and so is every hook job it fired (a hook that fails reports {@code [hooks] Hook '…'
 * failed} on its parent's log while the hook job is finalised, after the parent itself ended, and
 * viewers of the parent must get that line rather than a closed socket).
 *
 * <p>Level-triggered: every {@code interval} it re-reads the durable log state of every job that
 * has viewers and ends the streams of those whose log is complete. The call after a job's
 * finalisation ({@link #finalised}) is only the fast path; when it is lost (a database error
 * just after the commit, another server finalised the job), the sweep still ends the streams.
 */
public final class LiveLogEnding implements JobFinalizer.FinalisedListener, AutoCloseable {
    private final LogStateStore logStates;
    private final LiveLogHub hub;
    private final FixedDelaySchedule schedule = new FixedDelaySchedule("live-log-ending");

    public LiveLogEnding(LogStateStore logStates, LiveLogHub hub) {
        this.logStates = logStates;
        this.hub = hub;
    }

    /** Sweeps every {@code interval}. */
    public LiveLogEnding start(Duration interval) {
        schedule.start(this::sweepOnce, interval, interval);
        return this;
    }

    /** Ends the streams of every followed job whose log is complete; returns how many jobs that was. */
    public int sweepOnce() {
        var followed = hub.followedJobs();
        if (followed.isEmpty()) {
            return 0;
        }
        var complete = logStates.completeAmong(followed);
        complete.forEach(hub::jobEnded);
        return complete.size();
    }

    @Override
    public void finalised(Job job) {
        endIfComplete(job.jobId());
        if (Job.SOURCE_HOOK.equals(job.sourceType()) && job.sourceId() != null) {
            endIfComplete(job.sourceId());
        }
    }

    private void endIfComplete(String jobId) {
        logStates.completeAmong(java.util.List.of(jobId)).forEach(hub::jobEnded);
    }

    @Override
    public void close() {
        schedule.close();
    }
}
