package dev.stroem.secrets;

/**
 * The {@link Masker} of one job: its workspace's secrets, connection secrets and the job's own
 * {@code secret: true} input values. Asked once per ingested batch, so implementations cache.
 */
@FunctionalInterface
public interface MaskSource {

    /** Masks nothing (a server whose workspaces have no secrets, or tests of other things). */
    MaskSource NONE = jobId -> Masker.NONE;

    /** The masker for this job's log lines and API answers; {@link Masker#NONE} for an unknown job. */
    Masker forJob(String jobId);
}
