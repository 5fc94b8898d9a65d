package dev.stroem.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stroem.app.ServerApp;
import dev.stroem.config.ConfigLoader;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.ConcurrentHistogram;

/**
 * Live log streaming benchmark (BENCHMARKS.md, "Live log streaming"); run by bench/run-websocket.sh.
 *
 * <ul>
 *   <li>{@code latency SECONDS JOBSxVIEWERS[@PROBES][i]...}: a real server in this JVM; a
 *       worker-API client ingests 100,000 lines/s (batches of 1,000, round-robin into 10 jobs)
 *       while probe lines, each carrying the {@code System.nanoTime()} taken just before its POST,
 *       go to the watched jobs ({@code PROBES} per second per job, default 10); every viewer
 *       (java.net.http WebSocket, plain JSONL, {@code skip_backfill=true}) records
 *       push-to-receive latency. The watched jobs are fresh jobs, or with {@code i} ingest jobs
 *       themselves (each viewer then also receives 10,000 lines/s).</li>
 *   <li>{@code heap N}: a real server in this JVM, N idle viewers of one job opened by a child JVM;
 *       prints the server's heap growth per viewer (after full GCs).</li>
 * </ul>
 */
public final class LiveLogStreamBench {
    private static final String TOKEN = "bench-worker-token";
    private static final String TASK = "bench";
    private static final int INGEST_JOBS = 10;
    private static final int INGEST_LINES_PER_SEC = 100_000;
    private static final int INGEST_BATCH = 1_000;
    /** Probe lines per second per watched job unless the scenario says otherwise ({@code JxV@R}). */
    private static final int DEFAULT_PROBES_PER_JOB = 10;
    private static final Pattern PROBE = Pattern.compile("\"line\":\"probe (\\d+)\"");

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final ObjectMapper json = new ObjectMapper();
    private ServerApp app;
    /** Where jobs are created and lines pushed. */
    private String ingestBase;
    /** Where the viewers watch (the same server, or another replica of it). */
    private String viewBase;
    private String token = TOKEN;
    private String task = TASK;
    private int ingestLinesPerSec = INGEST_LINES_PER_SEC;

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "latency" -> new LiveLogStreamBench().latency(Integer.parseInt(args[1]), List.of(args).subList(2, args.length));
            case "heap" -> new LiveLogStreamBench().heap(Integer.parseInt(args[1]));
            case "hold" -> hold(args[1], Integer.parseInt(args[2]));
            default -> throw new IllegalArgumentException("usage: latency SECONDS JxV[@P][i]... | heap N");
        }
    }

    // --- latency -----------------------------------------------------------------------------

    private void latency(int seconds, List<String> scenarios) throws Exception {
        start();
        try {
            measure(seconds, scenarios);
        } finally {
            app.close();
        }
    }

    /**
     * The latency scenarios against servers that run elsewhere: jobs of {@code task} (one step,
     * {@code only}) are created and pushed to on {@code ingestBase} ({@code ingestLinesPerSec} in
     * the background, plus the probes), viewers watch on {@code viewBase}, e.g. another replica.
     * Pushers and viewers are in this JVM, so latency is one {@code System.nanoTime()} clock.
     */
    static void across(String ingestBase, String viewBase, String token, String task, int ingestLinesPerSec, int seconds,
            List<String> scenarios) throws Exception {
        var bench = new LiveLogStreamBench();
        bench.ingestBase = ingestBase;
        bench.viewBase = viewBase;
        bench.token = token;
        bench.task = task;
        bench.ingestLinesPerSec = ingestLinesPerSec;
        bench.measure(seconds, scenarios);
    }

    private void measure(int seconds, List<String> scenarios) throws Exception {
        List<String> ingestJobs = new ArrayList<>();
        for (int i = 0; i < INGEST_JOBS; i++) {
            ingestJobs.add(createJob());
        }
        // Warm-up (not reported): JIT, connection pools, the first files.
        runScenario("1x10@50", 8, ingestJobs, false);
        System.out.printf("%-36s %9s %8s %8s %8s %8s %10s %9s %5s%n", "scenario (probes/s per job)", "samples",
                "p50 ms", "p90 ms", "p99 ms", "max ms", "ingest/s", "frames", "cpu");
        for (String scenario : scenarios) {
            runScenario(scenario, seconds, ingestJobs, true);
        }
    }

    private void runScenario(String scenario, int seconds, List<String> ingestJobs, boolean report) throws Exception {
        boolean watchIngest = scenario.endsWith("i");
        String[] spec = scenario.replace("i", "").split("@");
        int probesPerJob = spec.length > 1 ? Integer.parseInt(spec[1]) : DEFAULT_PROBES_PER_JOB;
        String[] jv = spec[0].split("x");
        int jobs = Integer.parseInt(jv[0]);
        int viewersPerJob = Integer.parseInt(jv[1]);
        List<String> watched = new ArrayList<>();
        for (int j = 0; j < jobs; j++) {
            watched.add(watchIngest ? ingestJobs.get(j) : createJob());
        }
        var histogram = new ConcurrentHistogram(TimeUnit.SECONDS.toNanos(60), 3);
        var recording = new AtomicBoolean(false);
        // Several clients: each has one selector thread, which would otherwise read all sockets in turn.
        List<HttpClient> wsClients = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            wsClients.add(HttpClient.newHttpClient());
        }
        List<WebSocket> sockets = new ArrayList<>();
        for (String job : watched) {
            for (int v = 0; v < viewersPerJob; v++) {
                var wsClient = wsClients.get(sockets.size() % wsClients.size());
                var listener = new ProbeListener(histogram, recording);
                sockets.add(wsClient.newWebSocketBuilder()
                        .buildAsync(URI.create(viewBase.replace("http", "ws") + "/api/jobs/" + job + "/logs/stream?skip_backfill=true"), listener)
                        .get(30, TimeUnit.SECONDS));
            }
        }
        double framesBefore = metric("stroem_log_stream_frames_sent_total");
        var stop = new AtomicBoolean(false);
        var ingested = new AtomicLong();
        Thread ingest = new Thread(() -> ingest(ingestJobs, stop, ingested), "bench-ingest");
        Thread probes = new Thread(() -> probe(watched, probesPerJob, stop), "bench-probes");
        ingest.start();
        probes.start();
        long warmup = Math.min(3, Math.max(1, seconds / 4));
        TimeUnit.SECONDS.sleep(warmup);
        long ingestedAtStart = ingested.get();
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        recording.set(true);
        TimeUnit.SECONDS.sleep(seconds - warmup);
        recording.set(false);
        double elapsed = (System.nanoTime() - t0) / 1e9;
        double cpuCores = (os.getProcessCpuTime() - cpu0) / 1e9 / elapsed;
        long ingestRate = Math.round((ingested.get() - ingestedAtStart) / elapsed);
        stop.set(true);
        ingest.join();
        probes.join();
        double frames = metric("stroem_log_stream_frames_sent_total") - framesBefore;
        for (WebSocket ws : sockets) {
            ws.abort();
        }
        if (report) System.out.printf("%-36s %9d %8.1f %8.1f %8.1f %8.1f %10d %9.0f %5.2f%n",
                jobs + " job x " + viewersPerJob + " viewer (" + probesPerJob + "/s)" + (watchIngest ? ", ingest job" : ""),
                histogram.getTotalCount(), ms(histogram.getValueAtPercentile(50)), ms(histogram.getValueAtPercentile(90)),
                ms(histogram.getValueAtPercentile(99)), ms(histogram.getMaxValue()), ingestRate, frames, cpuCores);
        waitUntil(() -> metric("stroem_log_stream_viewers") == 0);
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    /** 100,000 lines/s (unless told otherwise) in batches of 1,000, round-robin over the ingest jobs, paced to the schedule. */
    private void ingest(List<String> jobs, AtomicBoolean stop, AtomicLong ingested) {
        if (ingestLinesPerSec <= 0) {
            return;
        }
        long intervalNanos = TimeUnit.SECONDS.toNanos(1) * INGEST_BATCH / ingestLinesPerSec;
        var filler = "x".repeat(60);
        long next = System.nanoTime();
        for (int i = 0; !stop.get(); i++) {
            var body = new StringBuilder(INGEST_BATCH * 110).append("{\"step_name\":\"only\",\"lines\":[");
            for (int l = 0; l < INGEST_BATCH; l++) {
                body.append(l == 0 ? "" : ",").append("{\"stream\":\"stdout\",\"line\":\"ingest ").append(i).append(' ')
                        .append(l).append(' ').append(filler).append("\"}");
            }
            body.append("]}");
            post("/worker/jobs/" + jobs.get(i % jobs.size()) + "/logs", body.toString());
            ingested.addAndGet(INGEST_BATCH);
            next += intervalNanos;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(wait);
            }
        }
    }

    /** {@code perJob} probe lines per second to each watched job, evenly spread. */
    private void probe(List<String> jobs, int perJob, AtomicBoolean stop) {
        long intervalNanos = TimeUnit.SECONDS.toNanos(1) / ((long) perJob * jobs.size());
        long next = System.nanoTime();
        for (int i = 0; !stop.get(); i++) {
            String job = jobs.get(i % jobs.size());
            post("/worker/jobs/" + job + "/logs",
                    "{\"step_name\":\"only\",\"lines\":[{\"stream\":\"stdout\",\"line\":\"probe " + System.nanoTime() + "\"}]}");
            next += intervalNanos;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(wait);
            }
        }
    }

    /** A viewer: finds the probe lines in its frames and records their latency. */
    private static final class ProbeListener implements WebSocket.Listener {
        private final ConcurrentHistogram histogram;
        private final AtomicBoolean recording;
        private final StringBuilder partial = new StringBuilder();

        ProbeListener(ConcurrentHistogram histogram, AtomicBoolean recording) {
            this.histogram = histogram;
            this.recording = recording;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            long now = System.nanoTime();
            partial.append(data);
            if (last) {
                String frame = partial.toString();
                partial.setLength(0);
                if (frame.contains("\"probe ")) {
                    Matcher m = PROBE.matcher(frame);
                    while (m.find()) {
                        if (recording.get()) {
                            histogram.recordValue(Math.max(0, now - Long.parseLong(m.group(1))));
                        }
                    }
                }
            }
            ws.request(1);
            return null;
        }
    }

    // --- heap per idle viewer ----------------------------------------------------------------

    private void heap(int viewers) throws Exception {
        start();
        try {
            String job = createJob();
            post("/worker/jobs/" + job + "/logs", "{\"step_name\":\"only\",\"lines\":[{\"line\":\"hello\"}]}");
            // One viewer first, so classes and pools that any first viewer creates are not counted.
            String cp = System.getProperty("java.class.path");
            String url = viewBase.replace("http", "ws") + "/api/jobs/" + job + "/logs/stream";
            Process warm = child(cp, url, 1);
            waitUntil(() -> metric("stroem_log_stream_viewers") == 1);
            long before = usedHeapAfterGc();
            Map<String, Long> classesBefore = classHistogram();
            Process holders = child(cp, url, viewers);
            waitUntil(() -> metric("stroem_log_stream_viewers") == 1 + viewers);
            long after = usedHeapAfterGc();
            if (Boolean.getBoolean("bench.histogram")) {
                printGrowth(classesBefore, classHistogram(), viewers);
            }
            System.out.printf("idle viewers: %d; server heap before %.1f MiB, after %.1f MiB; %.1f KiB per idle viewer%n",
                    viewers, before / 1048576.0, after / 1048576.0, (after - before) / 1024.0 / viewers);
            holders.destroy();
            warm.destroy();
        } finally {
            app.close();
        }
    }

    private static Process child(String cp, String url, int n) throws IOException {
        var p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
                "-cp", cp, LiveLogStreamBench.class.getName(), "hold", url, Integer.toString(n))
                .redirectErrorStream(true).start();
        new Thread(() -> {
            try (var r = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
                r.lines().forEach(l -> System.out.println("  [viewers] " + l));
            } catch (IOException e) {
                // child gone
            }
        }).start();
        return p;
    }

    /** Child JVM: opens N idle viewers and keeps them until killed. */
    private static void hold(String url, int n) throws Exception {
        var client = HttpClient.newHttpClient();
        List<CompletableFuture<WebSocket>> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            all.add(client.newWebSocketBuilder().buildAsync(URI.create(url), new WebSocket.Listener() {}));
            if (i % 100 == 99) {
                CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            }
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        System.out.println("connected " + n);
        Thread.sleep(Long.MAX_VALUE);
    }

    /** Bytes per class name, from the JVM's class histogram (after a full GC). */
    private static Map<String, Long> classHistogram() throws Exception {
        var mbeans = ManagementFactory.getPlatformMBeanServer();
        String text = (String) mbeans.invoke(new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"),
                "gcClassHistogram", new Object[] {null}, new String[] {String[].class.getName()});
        var out = new java.util.HashMap<String, Long>();
        Matcher m = Pattern.compile("(?m)^\\s*\\d+:\\s+\\d+\\s+(\\d+)\\s+(\\S+)").matcher(text);
        while (m.find()) {
            out.merge(m.group(2), Long.parseLong(m.group(1)), Long::sum);
        }
        return out;
    }

    private static void printGrowth(Map<String, Long> before, Map<String, Long> after, int viewers) {
        after.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0L)))
                .sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
                .limit(25)
                .forEach(e -> System.out.printf("  %8.0f B/viewer  %s%n", e.getValue() / (double) viewers, e.getKey()));
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        var memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(200);
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    // --- server ------------------------------------------------------------------------------

    /** The benchmark workspace under {@code dir/workspace}: task {@code bench}, one step that no worker needs to run. */
    static void writeWorkspace(Path dir) throws IOException {
        Path workflows = dir.resolve("workspace/.workflows");
        Files.createDirectories(workflows);
        Files.writeString(workflows.resolve("bench.yaml"), """
                actions:
                  noop: { type: script, script: echo noop }
                tasks:
                  bench:
                    flow:
                      only: { action: noop }
                """);
    }

    private void start() throws IOException {
        Path dir = Files.createTempDirectory("stroem-ws-bench");
        writeWorkspace(dir);
        Path config = Files.writeString(dir.resolve("server-config.yaml"), "listen: \"127.0.0.1:0\"\n"
                + "db:\n  url: \"sqlite:" + dir.resolve("stroem.db") + "\"\n"
                + "worker_token: \"" + TOKEN + "\"\n"
                + "log_storage:\n  local_dir: \"" + dir.resolve("logs") + "\"\n"
                + "workspaces:\n  default:\n    type: folder\n    path: workspace\n");
        app = ServerApp.start(new ConfigLoader().loadServer(config, Map.of()), dir);
        ingestBase = "http://127.0.0.1:" + app.port();
        viewBase = ingestBase;
    }

    private String createJob() throws IOException {
        var r = send(HttpRequest.newBuilder(URI.create(ingestBase + "/api/workspaces/default/tasks/" + task + "/execute"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"input\":{}}")).build());
        return json.readTree(r.body()).get("job_id").asText();
    }

    private void post(String path, String body) {
        var r = send(HttpRequest.newBuilder(URI.create(ingestBase + path)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("POST " + path + " answered " + r.statusCode() + ": " + r.body());
        }
    }

    private double metric(String name) {
        String text = send(HttpRequest.newBuilder(URI.create(viewBase + "/metrics")).build()).body();
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(?:\\{[^}]*})? ([0-9.eE+-]+)$").matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private interface Check {
        boolean ok() throws Exception;
    }

    private static void waitUntil(Check check) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!check.ok()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out waiting");
            }
            Thread.sleep(100);
        }
    }
}
