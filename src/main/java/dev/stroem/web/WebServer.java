package dev.stroem.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stroem.auth.AuthException;
import dev.stroem.jobs.JobConflictException;
import dev.stroem.jobs.JobNotFoundException;
import dev.stroem.jobs.store.Database;
import dev.stroem.workflow.InputException;
import io.javalin.Javalin;
import io.javalin.json.JavalinJackson;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.function.Consumer;

/**
 * The HTTP side of the server: public API, worker API, log reads and live streams, web UI,
 * health and metrics, on one Javalin (Jetty 12) instance. Every error body is
 * {@code {"error":"<sentence>"}}.
 */
public final class WebServer implements AutoCloseable {
    /** Largest request body accepted (a worker's log batch is the big one); 413 beyond it. */
    public static final long MAX_BODY_BYTES = 16L * 1024 * 1024;

    private final Javalin app;

    /**
     * @param guard           checks every {@code /api} route's declared {@link Access} (authentication and ACL)
     * @param authApi         {@code /api/config} and, with users, the auth endpoints
     * @param workerToken     the worker token, always required on {@code /worker/*}
     * @param extensions      further endpoints that need the whole Javalin config (e.g. the live log WebSocket)
     */
    public WebServer(String host, int port, ObjectMapper json, Database db, PrometheusMeterRegistry metrics,
            RouteGuard guard, AuthApi authApi, String workerToken, JobsApi jobsApi, LogsApi logsApi, WorkerApi workerApi,
            Consumer<io.javalin.config.JavalinConfig> extensions) {
        var workers = new BearerTokens(java.util.List.of(workerToken), "worker token");
        this.app = Javalin.create(config -> {
            config.jetty.host = host;
            config.jetty.port = port;
            config.startup.showJavalinBanner = false;
            config.http.maxRequestSize = MAX_BODY_BYTES;
            config.jsonMapper(new JavalinJackson(json, false));
            WebUi.configure(config);
            var routes = config.routes;
            ErrorResponses.register(routes, MAX_BODY_BYTES);
            routes.exception(JobNotFoundException.class, (e, ctx) -> ErrorResponses.write(ctx, 404, e.getMessage()));
            routes.exception(JobConflictException.class, (e, ctx) -> ErrorResponses.write(ctx, 409, e.getMessage()));
            routes.exception(InputException.class, (e, ctx) -> ErrorResponses.write(ctx, 400, e.getMessage()));
            routes.exception(AuthException.class, (e, ctx) -> AuthErrors.write(ctx, e));
            guard.register(routes);
            authApi.register(routes);
            workerApi.register(routes, workers);
            jobsApi.register(routes);
            logsApi.register(routes);
            extensions.accept(config);
            new OperationsApi(db, metrics).register(routes);
            WebUi.register(routes);
        });
    }

    public WebServer start() {
        app.start();
        return this;
    }

    /** The port actually bound (useful with port 0). */
    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
    }
}
