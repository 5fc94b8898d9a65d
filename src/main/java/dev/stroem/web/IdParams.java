package dev.stroem.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import java.util.regex.Pattern;

/**
 * Job and worker ids in public API paths are UUIDs, as in the original: a malformed one is a 400
 * {@code {"error"}} naming it, before any handler looks it up (an unknown well-formed id stays a
 * 404 of the handler). Registered once for every {@code /api/jobs/{id}…} and
 * {@code /api/workers/{id}…} route, so routes added later are covered too; the WebSocket upgrade,
 * which before-handlers do not see, calls {@link #jobId(Context)} itself.
 */
final class IdParams {
    private static final Pattern UUID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private IdParams() {}

    static void register(RoutesConfig routes) {
        for (String path : new String[] {"/api/jobs/{id}", "/api/jobs/{id}/*"}) {
            routes.before(path, IdParams::jobId);
        }
        for (String path : new String[] {"/api/workers/{id}", "/api/workers/{id}/*"}) {
            routes.before(path, ctx -> require("worker id", ctx.pathParam("id")));
        }
    }

    /** The {@code {id}} path parameter, checked to be a job id. */
    static String jobId(Context ctx) {
        return require("job id", ctx.pathParam("id"));
    }

    static String require(String what, String value) {
        if (value == null || !UUID.matcher(value).matches()) {
            throw new BadRequestResponse("not a valid " + what + " (a UUID is expected): \"" + value + "\"");
        }
        return value;
    }

    static boolean isUuid(String value) {
        return value != null && UUID.matcher(value).matches();
    }
}
