package dev.stroem.web;

import dev.stroem.jobs.Job;
import dev.stroem.jobs.JobLogRefs;
import dev.stroem.jobs.store.JobStore;
import dev.stroem.logs.JobLogRead;
import dev.stroem.logs.JobLogReader;
import dev.stroem.logs.LiveLogHub;
import dev.stroem.logs.LocalLogStore;
import dev.stroem.logs.LogLine;
import dev.stroem.logs.LogQuery;
import dev.stroem.logs.LogSubscription;
import dev.stroem.logs.SafeName;
import dev.stroem.logs.StreamRequest;
import io.javalin.config.JavalinConfig;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.NotFoundResponse;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.websocket.server.JettyServerUpgradeRequest;
import org.eclipse.jetty.ee10.websocket.server.JettyServerUpgradeResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live log WebSocket {@code GET /api/jobs/{id}/logs/stream} (docs/api.md, "Live logs").
 *
 * <p>The request is checked before the upgrade, so a client gets a plain HTTP error with the
 * contract's {@code {"error":…}} body: 401 without a valid credential when auth is configured
 * ({@link RouteGuard}), 404 when the caller may not see the job, 404 for an unknown job or step, 400 for a bad {@code from},
 * {@code step}, {@code skip_backfill} or {@code control}. The upgrade answer carries
 * {@value #POSITION_HEADER}: the position of the first line the stream sends.
 *
 * <p>A job whose log is complete (finalised, and so are the hook jobs it fired, which may still
 * report a failure on it) is replayed through the read fallback (archive included) and the socket
 * closes (1000); any other job is followed through the {@link LiveLogHub} until its log is
 * complete, then closes the same way.
 *
 * <p>Sockets are pinged every {@code pingInterval}. A viewer that for {@code unresponsiveTimeout}
 * neither accepts a frame nor answers a ping is disconnected with close code 1008 and a reason
 * (and dropped outright if it does not complete the close within that time again, at least 10 s).
 */
public final class LogStreamApi implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LogStreamApi.class);

    public static final String PATH = "/api/jobs/{id}/logs/stream";
    /** Response header of the upgrade: position of the first line the stream sends. */
    public static final String POSITION_HEADER = "X-Stroem-Log-Position";
    private static final String PREPARED = LogStreamApi.class.getName() + ".prepared";

    /**
     * Socket liveness.
     *
     * @param pingInterval        how often every socket is pinged
     * @param unresponsiveTimeout how long a viewer may accept no frame and answer no ping
     */
    public record Settings(Duration pingInterval, Duration unresponsiveTimeout) {
        public Settings {
            if (pingInterval.isNegative() || pingInterval.isZero() || unresponsiveTimeout.isNegative()
                    || unresponsiveTimeout.isZero()) {
                throw new IllegalArgumentException("ping interval and unresponsive timeout must be positive");
            }
        }
    }

    /** Whether nothing more will be written to a job's log (its durable log state says so). */
    @FunctionalInterface
    public interface LogCompletion {
        boolean isComplete(String jobId);
    }

    /** A checked request, handed from the before-upgrade handler to the socket. */
    record Prepared(Job job, StreamRequest request, boolean replay) {}

    private final JobStore jobs;
    private final LogCompletion completion;
    private final JobLogRefs refs;
    private final JobLogReader reader;
    private final LocalLogStore store;
    private final LiveLogHub hub;
    private final RouteGuard guard;
    final Settings settings;
    private final Set<LogStreamSocket> sockets = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService sweeper;
    final Counter framesSent;
    final Counter unresponsiveDisconnects;

    public LogStreamApi(JobStore jobs, LogCompletion completion, JobLogRefs refs, JobLogReader reader,
            LocalLogStore store, LiveLogHub hub, RouteGuard guard, Settings settings, MeterRegistry metrics) {
        this.jobs = jobs;
        this.completion = completion;
        this.refs = refs;
        this.reader = reader;
        this.store = store;
        this.hub = hub;
        this.guard = guard;
        this.settings = settings;
        Gauge.builder("stroem_log_stream_viewers", hub, LiveLogHub::viewers)
                .description("Live log viewers connected").register(metrics);
        Gauge.builder("stroem_log_stream_watched_jobs", hub, LiveLogHub::watchedJobs)
                .description("Jobs with at least one live viewer following them").register(metrics);
        FunctionCounter.builder("stroem_log_stream_storage_pages", hub, LiveLogHub::storagePages)
                .description("Frames of lines read from log files for viewers behind the in-memory window")
                .register(metrics);
        framesSent = Counter.builder("stroem_log_stream_frames_sent")
                .description("WebSocket frames sent to live log viewers").register(metrics);
        unresponsiveDisconnects = Counter.builder("stroem_log_stream_unresponsive_disconnects")
                .description("Live log viewers disconnected for not accepting data or answering pings")
                .register(metrics);
        long tick = Math.max(100, Math.min(1000,
                Math.min(settings.pingInterval().toMillis(), settings.unresponsiveTimeout().toMillis()) / 4));
        sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "live-log-sweeper");
            t.setDaemon(true);
            return t;
        });
        sweeper.scheduleAtFixedRate(this::sweep, tick, tick, TimeUnit.MILLISECONDS);
    }

    /** Registers the endpoint on the Javalin config ({@link WebServer}'s extension hook). */
    public void configure(JavalinConfig config) {
        config.routes.wsBeforeUpgrade(PATH, this::prepare);
        // Javalin only upgrades paths it has a WebSocket route for; the socket itself is ours (below),
        // because it must see pongs, which Javalin's handlers do not expose.
        config.routes.ws(PATH, ws -> ws.onConnect(ctx -> ctx.closeSession(1011, "not served here")), Access.VIEW_JOB);
        config.jetty.modifyWebSocketServletFactory(factory -> factory.addMapping("uri-template|" + PATH, this::create));
    }

    private void prepare(Context ctx) throws IOException {
        try {
            check(ctx);
        } catch (HttpResponseException e) {
            // Javalin maps the exception but does not write a body when it refuses an upgrade: write it here.
            byte[] body = ctx.jsonMapper().toJsonString(Map.of("error", e.getMessage()), Map.class)
                    .getBytes(StandardCharsets.UTF_8);
            ctx.res().setStatus(e.getStatus());
            ctx.res().setContentType("application/json");
            ctx.res().setContentLength(body.length);
            ctx.res().getOutputStream().write(body);
            ctx.res().flushBuffer();
            throw e;
        }
    }

    private void check(Context ctx) {
        String id = IdParams.jobId(ctx);
        guard.check(ctx, Access.VIEW_JOB);
        Job job = jobs.findJob(id).orElseThrow(() -> new NotFoundResponse("no job with id " + id));
        Long from = position(ctx.queryParam("from"));
        boolean skipBackfill = flag(ctx, "skip_backfill");
        boolean control = flag(ctx, "control");
        if (from != null && skipBackfill) {
            throw new BadRequestResponse("from and skip_backfill=true exclude each other: a resuming client passes only from");
        }
        String step = JobsApi.blankToNull(ctx.queryParam("step"));
        if (step != null) {
            if (!SafeName.isSafe(step)) {
                throw new BadRequestResponse("step: not a valid step name: \"" + step + "\"");
            }
            if (!LogLine.SERVER_STEP.equals(step) && !jobs.hasStep(id, step)) {
                throw new NotFoundResponse("job " + id + " has no step named \"" + step + "\"");
            }
        }
        boolean replay = completion.isComplete(id);
        long start;
        if (from != null) {
            start = from;
        } else if (!skipBackfill) {
            start = 0;
        } else if (replay) {
            start = lineCountOf(job);
        } else {
            start = hub.lineCount(id);
        }
        ctx.attribute(PREPARED, new Prepared(job, new StreamRequest(id, start, step, control), replay));
    }

    private Object create(JettyServerUpgradeRequest req, JettyServerUpgradeResponse resp) {
        Object prepared = req.getHttpServletRequest().getAttribute(PREPARED);
        if (!(prepared instanceof Prepared p)) {
            try {
                resp.sendError(500, "the log stream request was not checked");
            } catch (IOException e) {
                log.debug("cannot refuse an unchecked log stream upgrade: {}", e.toString());
            }
            return null;
        }
        resp.setHeader(POSITION_HEADER, Long.toString(p.request().from()));
        return new LogStreamSocket(this, p);
    }

    /** Starts the socket's stream: a replay of a finished job, or following a running one. */
    LogSubscription subscribe(Prepared p, LogStreamSocket socket) {
        StreamRequest request = p.request();
        if (p.replay()) {
            var query = LogQuery.all().withStep(request.step()).withOffset(request.from());
            JobLogRead read = reader.read(refs.of(p.job()), query);
            return hub.replay(read, request, p.job().status().wireName(), socket);
        }
        var sub = hub.follow(request, socket);
        try {
            // Finalised between the check before the upgrade and now: its signal may have come before we subscribed.
            if (completion.isComplete(request.jobId())) {
                jobs.findJob(request.jobId()).ifPresent(j -> hub.jobEnded(j.jobId(), j.status().wireName()));
            }
        } catch (RuntimeException e) {
            // The socket closes with 1011; the hub must not keep a viewer nobody will ever cancel.
            sub.cancel();
            throw e;
        }
        return sub;
    }

    void opened(LogStreamSocket socket) {
        sockets.add(socket);
    }

    void closed(LogStreamSocket socket) {
        sockets.remove(socket);
    }

    private void sweep() {
        long now = System.nanoTime();
        for (LogStreamSocket socket : sockets) {
            try {
                socket.check(now);
            } catch (RuntimeException e) {
                log.warn("live log socket check failed: {}", e.toString(), e);
            }
        }
    }

    private long lineCountOf(Job job) {
        return reader.lineCount(refs.of(job));
    }

    private static Long position(String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        try {
            long v = Long.parseLong(raw.trim());
            if (v < 0) {
                throw new BadRequestResponse("from: must be 0 or more, got " + v);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new BadRequestResponse("from: expected a line position (a whole number), got \"" + raw + "\"");
        }
    }

    private static boolean flag(Context ctx, String name) {
        String raw = ctx.queryParam(name);
        if (raw == null || raw.isBlank()) {
            return false;
        }
        return switch (raw.trim().toLowerCase(Locale.ROOT)) {
            case "true", "1" -> true;
            case "false", "0" -> false;
            default -> throw new BadRequestResponse(name + ": expected true or false, got \"" + raw + "\"");
        };
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
        for (LogStreamSocket socket : sockets) {
            socket.shutdown();
        }
    }
}
