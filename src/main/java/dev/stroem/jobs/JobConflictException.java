package dev.stroem.jobs;

/** The request does not fit the job's current state, e.g. cancelling a job that already ended. */
public final class JobConflictException extends RuntimeException {
    public JobConflictException(String message) {
        super(message);
    }
}
