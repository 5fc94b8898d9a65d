package dev.stroem.web;

import dev.stroem.jobs.store.Database;
import io.javalin.config.RoutesConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;

/** {@code GET /healthz} (is the database reachable) and {@code GET /metrics} (Prometheus text). */
final class OperationsApi {
    private final Database db;
    private final PrometheusMeterRegistry metrics;

    OperationsApi(Database db, PrometheusMeterRegistry metrics) {
        this.db = db;
        this.metrics = metrics;
    }

    void register(RoutesConfig routes) {
        routes.get("/healthz", ctx -> {
            boolean ok = db.isReachable();
            ctx.status(ok ? 200 : 503).json(Map.of("status", ok ? "ok" : "unavailable", "database", ok ? "ok" : "unreachable"));
        });
        routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
    }
}
