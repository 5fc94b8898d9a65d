package dev.stroem.jobs;

/** A job, step, workspace or task that the request named does not exist. */
public final class JobNotFoundException extends RuntimeException {
    public JobNotFoundException(String message) {
        super(message);
    }
}
