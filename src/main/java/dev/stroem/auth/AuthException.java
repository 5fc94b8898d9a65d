package dev.stroem.auth;

/**
 * A refused authentication or authorization, with the HTTP meaning the web room maps it to. The
 * message is safe to show: it never says whether an email exists or which part of a token failed.
 */
public final class AuthException extends RuntimeException {

    public enum Kind { BAD_REQUEST, UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, TOO_MANY_REQUESTS }

    private final Kind kind;
    private final long retryAfterSeconds;

    public AuthException(Kind kind, String message) {
        this(kind, message, 0);
    }

    private AuthException(Kind kind, String message, long retryAfterSeconds) {
        super(message, null, false, false);
        this.kind = kind;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static AuthException unauthenticated(String message) {
        return new AuthException(Kind.UNAUTHENTICATED, message);
    }

    public static AuthException forbidden(String message) {
        return new AuthException(Kind.FORBIDDEN, message);
    }

    public static AuthException tooManyRequests(String message, long retryAfterSeconds) {
        return new AuthException(Kind.TOO_MANY_REQUESTS, message, retryAfterSeconds);
    }

    public Kind kind() {
        return kind;
    }

    /** For {@link Kind#TOO_MANY_REQUESTS}: when to try again. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
