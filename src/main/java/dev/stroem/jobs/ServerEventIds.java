package dev.stroem.jobs;

/**
 * The batch ids of the server's own events: deterministic, so that when the finaliser, recovery
 * or the orchestrator repeats work after a failure, its event is recognised as written and not
 * written twice (the log store's batch ledger). One id per thing that happens once.
 */
final class ServerEventIds {
    private ServerEventIds() {}

    /** A hook of the job could not start, or its hook job failed: once per job and hook. */
    static String hook(String jobId, String hookName) {
        return "finalize:" + jobId + ":" + hookName;
    }

    /** A step failed for a reason the server found: once per run of the step (when it became ready). */
    static String stepFailed(JobStep step) {
        return "fail:" + step.jobId() + ":" + step.stepName() + ":"
                + (step.readyAt() == null ? "-" : step.readyAt().toEpochMilli());
    }

    /** A claimed step that never started went back to ready: once per claim. */
    static String requeued(String jobId, String stepName, java.time.Instant claimedAt) {
        return "requeue:" + jobId + ":" + stepName + ":" + claimedAt.toEpochMilli();
    }

    static String cancelled(String jobId) {
        return "cancel:" + jobId;
    }

    static String timedOut(String jobId) {
        return "timeout:" + jobId;
    }
}
