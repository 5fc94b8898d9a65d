package dev.stroem.worker;

/** Why the worker ended a step's processes before they ended on their own. */
public enum StopReason {
    TIMEOUT,
    CANCELLED,
    SHUTDOWN;

    /** The sentence reported as the step's error. */
    String error(Long timeoutSecs) {
        return switch (this) {
            case TIMEOUT -> "Step timed out after " + timeoutSecs + "s";
            case CANCELLED -> "Cancelled";
            case SHUTDOWN -> "Worker shut down";
        };
    }
}
