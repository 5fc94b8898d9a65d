package dev.stroem.web;

import dev.stroem.jobs.store.Database;
import io.javalin.config.RoutesConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/** {@code GET /healthz} (is the database reachable) and {@code GET /metrics} (Prometheus text). */
final class OperationsApi {
    /**
     * A health check must answer quickly even when the database hangs (the pool would wait its
     * whole connection timeout): longer than this counts as unreachable.
     */
    static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(2);

    private final Database db;
    private final PrometheusMeterRegistry metrics;
    /** At most one database check runs at a time; concurrent health checks share it. */
    private final AtomicReference<CompletableFuture<Boolean>> inFlight = new AtomicReference<>();
    private final Executor checker = task -> {
        var t = new Thread(task, "healthz-db-check");
        t.setDaemon(true);
        t.start();
    };

    OperationsApi(Database db, PrometheusMeterRegistry metrics) {
        this.db = db;
        this.metrics = metrics;
    }

    void register(RoutesConfig routes) {
        routes.get("/healthz", ctx -> {
            boolean ok = databaseReachable();
            // "status" and "db" are the original's keys; "database" is ours from before, kept for old probes.
            var body = new java.util.LinkedHashMap<String, String>();
            body.put("status", ok ? "ok" : "unavailable");
            body.put("db", ok ? "ok" : "unreachable");
            body.put("database", ok ? "ok" : "unreachable");
            ctx.status(ok ? 200 : 503).json(body);
        });
        routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
    }

    private boolean databaseReachable() throws InterruptedException {
        CompletableFuture<Boolean> check = inFlight.updateAndGet(current ->
                current != null && !current.isDone() ? current : CompletableFuture.supplyAsync(db::isReachable, checker));
        try {
            return check.get(HEALTH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            return false;
        }
    }
}
