package dev.stroem.web;

import io.javalin.config.JavalinConfig;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.staticfiles.Location;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The web UI: static files from {@code src/main/resources/web/} at {@code /}, and
 * {@code index.html} for every other non-API page ({@code /jobs/{id}}, {@code /tasks}) so
 * that URLs are bookmarkable.
 */
final class WebUi {
    private static final String ROOT = "/web";

    private WebUi() {}

    static void configure(JavalinConfig config) {
        if (WebUi.class.getResource(ROOT + "/index.html") != null) {
            config.staticFiles.add(ROOT, Location.CLASSPATH);
        }
    }

    static void register(RoutesConfig routes) {
        routes.get("/jobs/{id}", WebUi::index);
        routes.get("/jobs", WebUi::index);
        routes.get("/tasks", WebUi::index);
        routes.get("/tasks/*", WebUi::index);
        routes.get("/login", WebUi::index);
        routes.get("/login/callback", WebUi::index);
    }

    private static void index(Context ctx) {
        try (InputStream in = WebUi.class.getResourceAsStream(ROOT + "/index.html")) {
            if (in == null) {
                ctx.status(404).result("the web UI is not part of this build");
                return;
            }
            ctx.contentType("text/html; charset=utf-8").result(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
