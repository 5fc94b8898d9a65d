package dev.stroem.state;

/** A refused state request, with the HTTP meaning the web room maps it to; the message is one sentence. */
public final class StateException extends RuntimeException {
    /** {@code DISABLED}: no state storage is configured; {@code UNAVAILABLE}: the configured one fails. */
    public enum Kind { BAD_REQUEST, TOO_LARGE, UNAVAILABLE, DISABLED }

    private final Kind kind;

    public StateException(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
