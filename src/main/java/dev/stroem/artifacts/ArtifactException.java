package dev.stroem.artifacts;

/** A refused artifact request, with the HTTP meaning the web room maps it to; the message is one sentence. */
public final class ArtifactException extends RuntimeException {
    public enum Kind { BAD_REQUEST, NOT_FOUND, TOO_LARGE, UNAVAILABLE }

    private final Kind kind;

    public ArtifactException(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
