package dev.stroem.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.ContentTooLargeResponse;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns every failure into the contract's error body {@code {"error":"<sentence>"}}: Javalin's
 * {@link HttpResponseException}s keep their status, anything else is our bug and a 500 whose
 * body says no more than {@code {"error":"internal error","id":"<error id>"}}: the exception's
 * class, message (SQL, paths) and stack go to the server log under that id, never to the client.
 */
final class ErrorResponses {
    private static final Logger log = LoggerFactory.getLogger(ErrorResponses.class);

    private ErrorResponses() {}

    static void register(RoutesConfig routes, long maxBodyBytes) {
        routes.exception(HttpResponseException.class, (e, ctx) -> {
            if (e.getStatus() == 404 && WebUi.fallBackToIndex(ctx)) {
                return;
            }
            String message = e.getMessage();
            if (e instanceof ContentTooLargeResponse || e.getStatus() == HttpStatus.CONTENT_TOO_LARGE.getCode()) {
                message = "request body is larger than the limit of " + maxBodyBytes + " bytes";
            }
            write(ctx, e.getStatus(), message);
        });
        routes.exception(Exception.class, (e, ctx) -> internalError(ctx, e));
        routes.error(404, ctx -> {
            if ((ctx.result() == null || ctx.result().isEmpty()) && !WebUi.fallBackToIndex(ctx)) {
                write(ctx, 404, "no such endpoint: " + ctx.method() + " " + ctx.path());
            }
        });
        routes.error(405, ctx -> write(ctx, 405, "method " + ctx.method() + " is not allowed on " + ctx.path()));
    }

    /** Answers 500 with an error id and logs the failure under it. */
    static void internalError(Context ctx, Exception e) {
        String id = UUID.randomUUID().toString();
        log.error("{} {} failed (error id {})", ctx.method(), ctx.path(), id, e);
        var body = new LinkedHashMap<String, String>();
        body.put("error", "internal error");
        body.put("id", id);
        ctx.status(500).json(body);
    }

    static void write(Context ctx, int status, String message) {
        ctx.status(status).json(Map.of("error", message == null ? "request failed" : message));
    }
}
