package dev.stroem.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stroem.triggers.WebhookCall;
import dev.stroem.triggers.WebhookJob;
import dev.stroem.triggers.Webhooks;
import dev.stroem.secrets.MaskSource;
import dev.stroem.workflow.WebhookTrigger;
import io.javalin.config.RoutesConfig;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import io.javalin.http.UnauthorizedResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Webhook endpoints, outside {@code /api/} and its user authentication: each webhook checks its own
 * secret ({@code ?secret=} or {@code Authorization: Bearer}).
 *
 * <ul>
 *   <li>{@code GET|POST /hooks/{name}}: creates a job; async answers {@code {"job_id","trigger","task"}}
 *       at once, sync waits up to the trigger's {@code timeout_secs} for the job to end (200) or
 *       answers 202 with its status.
 *   <li>{@code GET /hooks/{name}/jobs/{job_id}[?wait=true&timeout=N]}: a job this webhook created.
 * </ul>
 *
 * Errors: 404 unknown or disabled webhook (or a job it did not create), 401 missing or wrong
 * secret, 400 malformed JSON or parameters, 413 a body over {@link #MAX_BODY_BYTES}.
 */
public final class WebhookApi {
    /** Largest webhook body accepted: payloads of GitHub and the like stay far below it. */
    public static final int MAX_BODY_BYTES = 1024 * 1024;
    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssxxx");

    private final Webhooks webhooks;
    private final MaskSource masks;
    private final ObjectMapper json;

    /** {@code masks}: a job's output is answered with that job's secrets masked, as in the job API. */
    public WebhookApi(Webhooks webhooks, MaskSource masks, ObjectMapper json) {
        this.webhooks = webhooks;
        this.masks = masks;
        this.json = json;
    }

    public void register(RoutesConfig routes) {
        routes.get("/hooks/{name}", this::trigger);
        routes.post("/hooks/{name}", this::trigger);
        routes.get("/hooks/{name}/jobs/{job_id}", this::status);
    }

    private Webhooks.Webhook authorised(Context ctx) {
        String name = ctx.pathParam("name");
        var webhook = webhooks.find(name)
                .orElseThrow(() -> new NotFoundResponse("no webhook named \"" + name + "\" (or it is disabled)"));
        String presented = ctx.queryParam("secret");
        String header = ctx.header("Authorization");
        if (presented == null && header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            presented = header.substring(7).trim();
        }
        if (!Webhooks.accepts(webhook, presented)) {
            throw new UnauthorizedResponse(presented == null
                    ? "webhook \"" + name + "\" needs its secret (?secret= or Authorization: Bearer)"
                    : "wrong secret for webhook \"" + name + "\"");
        }
        return webhook;
    }

    private void trigger(Context ctx) throws InterruptedException {
        var webhook = authorised(ctx);
        byte[] bytes = ctx.contentLength() > MAX_BODY_BYTES ? discardBody(ctx) : ctx.bodyAsBytes();
        if (bytes == null || bytes.length > MAX_BODY_BYTES) {
            // Written here: the shared 413 handler names the server-wide limit, not this one.
            ErrorResponses.write(ctx, 413, "webhook body is larger than the limit of " + MAX_BODY_BYTES + " bytes");
            return;
        }
        var call = new WebhookCall(ctx.method().name(), body(ctx, bytes), headers(ctx), query(ctx));
        var job = webhooks.fire(webhook, call);
        WebhookTrigger trigger = webhook.trigger();
        if (!trigger.sync()) {
            ctx.json(head(webhook, job.jobId()));
            return;
        }
        var waited = webhooks.await(webhook, job.jobId(), Duration.ofSeconds(trigger.timeoutSecs()));
        var out = head(webhook, job.jobId());
        out.put("status", waited.job().status().wireName());
        if (waited.ended()) {
            out.put("output", MaskedJson.of(json, waited.output(), masks.forJob(job.jobId())));
        }
        ctx.status(waited.ended() ? 200 : 202).json(out);
    }

    /**
     * Reads and drops a body that is too large (up to the server-wide limit), so the caller, still
     * sending it, gets our 413 instead of a connection closed under it. Returns null.
     */
    private static byte[] discardBody(Context ctx) {
        try (var in = ctx.req().getInputStream()) {
            var buffer = new byte[64 * 1024];
            long left = WebServer.MAX_BODY_BYTES;
            int n;
            while (left > 0 && (n = in.read(buffer, 0, (int) Math.min(buffer.length, left))) > 0) {
                left -= n;
            }
        } catch (java.io.IOException e) {
            // The caller went away while sending: there is nobody left to answer.
        }
        return null;
    }

    private void status(Context ctx) throws InterruptedException {
        var webhook = authorised(ctx);
        String jobId = ctx.pathParam("job_id");
        try {
            UUID.fromString(jobId);
        } catch (IllegalArgumentException e) {
            throw new BadRequestResponse("job id \"" + jobId + "\" is not a UUID");
        }
        var notFound = new NotFoundResponse("webhook \"" + webhook.trigger().webhookName() + "\" created no job " + jobId);
        var job = webhooks.job(webhook, jobId).orElseThrow(() -> notFound);
        boolean wait = "true".equals(ctx.queryParam("wait"));
        // Checked even when the job has ended: a caller's bad parameter is named, not ignored by luck.
        int timeoutSecs = wait ? timeout(ctx) : 0;
        if (wait && !job.ended()) {
            job = webhooks.await(webhook, jobId, Duration.ofSeconds(timeoutSecs));
        }
        var out = head(webhook, jobId);
        out.put("status", job.job().status().wireName());
        out.put("output", MaskedJson.of(json, job.output(), masks.forJob(jobId)));
        out.put("created_at", format(job.job().createdAt()));
        out.put("completed_at", format(job.job().completedAt()));
        ctx.status(job.ended() || !wait ? 200 : 202).json(out);
    }

    private static int timeout(Context ctx) {
        String raw = ctx.queryParam("timeout");
        if (raw == null) {
            return WebhookTrigger.DEFAULT_TIMEOUT_SECS;
        }
        try {
            int secs = Integer.parseInt(raw);
            if (secs >= 1 && secs <= WebhookTrigger.MAX_TIMEOUT_SECS) {
                return secs;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new BadRequestResponse("timeout must be a number of seconds from 1 to " + WebhookTrigger.MAX_TIMEOUT_SECS
                + ", got \"" + raw + "\"");
    }

    private static Map<String, Object> head(Webhooks.Webhook webhook, String jobId) {
        var out = new LinkedHashMap<String, Object>();
        out.put("job_id", jobId);
        out.put("trigger", webhook.trigger().webhookName());
        out.put("task", webhook.trigger().task());
        return out;
    }

    /** JSON parsed when the content type says JSON, else the raw text; null without a body. */
    private Object body(Context ctx, byte[] bytes) {
        if (bytes.length == 0) {
            return null;
        }
        String type = ctx.contentType();
        if (type != null && type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            try {
                return json.readValue(bytes, Object.class);
            } catch (JsonProcessingException e) {
                throw new BadRequestResponse("request body is not valid JSON (Content-Type is application/json): "
                        + e.getOriginalMessage());
            } catch (java.io.IOException e) {
                throw new BadRequestResponse("request body could not be read: " + e.getMessage());
            }
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Lower-case names; the authorization header may carry the secret and is left out of the job's input. */
    private static Map<String, String> headers(Context ctx) {
        var out = new TreeMap<String, String>();
        ctx.headerMap().forEach((name, value) -> {
            String key = name.toLowerCase(Locale.ROOT);
            if (!key.equals("authorization")) {
                out.merge(key, value, (a, b) -> a + ", " + b);
            }
        });
        return out;
    }

    private static Map<String, String> query(Context ctx) {
        var out = new LinkedHashMap<String, String>();
        ctx.queryParamMap().forEach((name, values) -> {
            if (!name.equals("secret") && !values.isEmpty()) {
                out.put(name, values.get(0));
            }
        });
        return out;
    }

    private static String format(Instant instant) {
        return instant == null ? null : ISO.format(instant.atOffset(ZoneOffset.UTC));
    }
}
