package dev.stroem.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The route-permission seam: an {@code /api} route that declares no {@link Access} is refused, not open. */
class RouteGuardTest {
    private Javalin app;

    @AfterEach
    void stop() {
        if (app != null) {
            app.stop();
        }
    }

    @Test
    void anApiRouteWithoutDeclaredAccessFailsClosedWhileDeclaredOnesWork() throws Exception {
        var guard = RouteGuard.open(null);
        app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            ErrorResponses.register(config.routes, 1024);
            guard.register(config.routes);
            config.routes.get("/api/forgotten", ctx -> ctx.result("secret"));
            config.routes.get("/api/declared", ctx -> ctx.result("fine"), Access.SIGNED_IN);
            config.routes.get("/not-api", ctx -> ctx.result("ui"));
        }).start("127.0.0.1", 0);
        var http = HttpClient.newHttpClient();
        var forgotten = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/api/forgotten")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(forgotten.statusCode()).isEqualTo(500);
        assertThat(forgotten.body()).contains("declares no access").doesNotContain("secret");
        var declared = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/api/declared")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(declared.body()).isEqualTo("fine");
        var ui = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/not-api")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ui.body()).isEqualTo("ui");
    }
}
