package dev.stroem.web;

import dev.stroem.auth.AuthException;
import io.javalin.http.Context;

/** The HTTP answer to a refused authentication or authorization: 400/401/403/404/429 with {@code {"error"}}. */
final class AuthErrors {
    private AuthErrors() {}

    static void write(Context ctx, AuthException e) {
        int status = switch (e.kind()) {
            case BAD_REQUEST -> 400;
            case UNAUTHENTICATED -> 401;
            case FORBIDDEN -> 403;
            case NOT_FOUND -> 404;
            case TOO_MANY_REQUESTS -> 429;
        };
        if (e.kind() == AuthException.Kind.TOO_MANY_REQUESTS) {
            ctx.header("Retry-After", Long.toString(Math.max(1, e.retryAfterSeconds())));
        }
        ErrorResponses.write(ctx, status, e.getMessage());
    }
}
