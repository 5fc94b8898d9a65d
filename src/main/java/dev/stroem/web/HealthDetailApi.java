package dev.stroem.web;

import io.javalin.config.JavalinConfig;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code GET /healthz/detail} (worker token): what an operator of several replicas asks of one of
 * them — which node it is, whether it leads, whether its cluster hints listen, how many uploads
 * wait. {@code /healthz} itself stays minimal for probes.
 */
public final class HealthDetailApi {
    private final BearerTokens workerToken;
    private final Supplier<Map<String, Object>> detail;

    /** @param detail builds the answer's body at each request */
    public HealthDetailApi(String workerToken, Supplier<Map<String, Object>> detail) {
        this.workerToken = new BearerTokens(List.of(workerToken), "worker token");
        this.detail = detail;
    }

    public void configure(JavalinConfig config) {
        config.routes.get("/healthz/detail", ctx -> {
            workerToken.require(ctx, false);
            ctx.json(detail.get());
        });
    }
}
