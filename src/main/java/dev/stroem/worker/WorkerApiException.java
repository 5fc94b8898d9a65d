package dev.stroem.worker;

/**
 * A worker API call that did not succeed: either no answer at all ({@link #status()} 0: connection
 * refused, reset, timed out) or an HTTP error status with the server's sentence.
 */
public final class WorkerApiException extends RuntimeException {

    private final int status;

    public WorkerApiException(int status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    public WorkerApiException(int status, String message) {
        this(status, message, null);
    }

    /** The HTTP status, or 0 when the server did not answer. */
    public int status() {
        return status;
    }

    /**
     * Whether the same call may succeed later: no answer, a timeout (408), throttling (429) or a
     * server error (5xx). Any other 4xx says the request itself is refused and will stay refused.
     */
    public boolean retryable() {
        return status == 0 || status == 408 || status == 429 || status >= 500;
    }
}
