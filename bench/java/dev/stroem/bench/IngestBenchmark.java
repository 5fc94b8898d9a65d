package dev.stroem.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stroem.logs.JsonlCodec;
import dev.stroem.logs.LocalLogStore;
import dev.stroem.logs.LogLine;
import dev.stroem.logs.LogStream;
import dev.stroem.web.TestServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;

/**
 * Log ingest throughput: {@code POST /worker/jobs/{id}/logs} on loopback against a real server
 * (SQLite, local log dir), N concurrent pushers (one job each, like N workers) sending batches of
 * B lines with a {@code batch_id} each, next to the log engine's own append rate
 * ({@link LocalLogStore#append} with the same lines, same threads) measured in the same run.
 *
 * <p>Run with {@code bench/run-ingest.sh} (options there). The default client is a raw-socket HTTP/1.1 load
 * generator ({@link RawHttpClient}); {@code --client jdk} pushes with {@code java.net.http}, as the worker does,
 * whose own CPU then competes with the server on a small machine.
 */
public final class IngestBenchmark {

    record Settings(int seconds, int warmupSeconds, int rounds, int pushers, int batch, int lineBytes,
            String mode, String client, int secrets) {}

    /**
     * Where the pushers send: the servers' base URLs (pusher {@code p} sends batch {@code n} to
     * {@code bases[(p + n) % size]}, as a load balancer spreading requests would), the worker
     * token, and one job per pusher.
     */
    record Targets(List<String> bases, String token, List<String> jobs) {}

    /** The CPU time used so far by each measured part (name → nanoseconds), read at the start and end of a measurement. */
    interface CpuClock {
        Map<String, Long> nanos() throws IOException;

        /** This JVM alone: with an in-process server, that is server and pushers. */
        static CpuClock thisProcess() {
            var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            return () -> Map.of("process", os.getProcessCpuTime());
        }
    }

    /**
     * Lines pushed in {@code seconds}, and the CPU time each measured part used meanwhile (this
     * process: server and pushers, unless the server runs elsewhere).
     */
    record Rate(long lines, long bytes, double seconds, Map<String, Double> cpuSeconds) {

        /** CPU cost per line, all parts together: unlike the rate, hardly moved by other programs on the machine. */
        double cpuMicrosPerLine() {
            return cpuSeconds.values().stream().mapToDouble(Double::doubleValue).sum() * 1e6 / lines;
        }

        double linesPerSecond() {
            return lines / seconds;
        }

        /** MiB/s of line text (what the workers' processes printed). */
        double mibPerSecond() {
            return bytes / seconds / (1 << 20);
        }
    }

    public static void main(String[] args) throws Exception {
        var s = parse(args);
        Path dir = Files.createTempDirectory("stroem-ingest-bench");
        System.out.printf(Locale.ROOT, "Ingest benchmark: %d pushers (%s HTTP client), %d-line batches, ~%d-byte lines, "
                        + "%d rounds of %ds warm-up + %ds measured, %d cores, Java %s, heap max %d MiB%n", s.pushers(),
                s.client().equals("raw") ? "raw-socket" : "java.net.http", s.batch(), s.lineBytes(), s.rounds(), s.warmupSeconds(),
                s.seconds(), Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                Runtime.getRuntime().maxMemory() >> 20);
        try {
            if (!s.mode().equals("both")) {
                print(s.mode(), s.mode().equals("http") ? http(s, dir.resolve("http")) : engine(s, dir.resolve("engine")));
                return;
            }
            // Rounds alternate engine and HTTP so that load from elsewhere on the machine hits both alike.
            var engineRates = new ArrayList<Double>();
            var httpRates = new ArrayList<Double>();
            var engineCpu = new ArrayList<Double>();
            var httpCpu = new ArrayList<Double>();
            System.out.println();
            for (int r = 1; r <= s.rounds(); r++) {
                Rate engine = engine(s, dir.resolve("engine-" + r));
                settle(dir.resolve("engine-" + r));
                Rate http = http(s, dir.resolve("http-" + r));
                settle(dir.resolve("http-" + r));
                print("round " + r + " engine append", engine);
                print("round " + r + " HTTP ingest", http);
                engineRates.add(engine.linesPerSecond());
                httpRates.add(http.linesPerSecond());
                engineCpu.add(engine.cpuMicrosPerLine());
                httpCpu.add(http.cpuMicrosPerLine());
            }
            double engineMedian = median(engineRates);
            double httpMedian = median(httpRates);
            System.out.printf(Locale.ROOT, "%nmedian engine append %,12.0f lines/s  %6.2f µs CPU/line%n"
                    + "median HTTP ingest   %,12.0f lines/s  %6.2f µs CPU/line%nHTTP / engine = %.0f%%%n",
                    engineMedian, median(engineCpu), httpMedian, median(httpCpu), 100 * httpMedian / engineMedian);
        } finally {
            deleteRecursively(dir);
        }
    }

    static double median(List<Double> values) {
        var sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    static void print(String what, Rate r) {
        var parts = new StringBuilder();
        if (r.cpuSeconds().size() > 1) {
            r.cpuSeconds().forEach((part, cpu) -> parts.append(String.format(Locale.ROOT, " %s %.2f", part, cpu * 1e6 / r.lines())));
            parts.insert(0, "  µs CPU/line by part:");
        }
        System.out.printf(Locale.ROOT, "%-24s %,12.0f lines/s  %8.1f MiB/s  %6.2f µs CPU/line  (%,d lines in %.1fs)%s%n",
                what, r.linesPerSecond(), r.mibPerSecond(), r.cpuMicrosPerLine(), r.lines(), r.seconds(), parts);
    }

    /** The text of line {@code i} of pusher {@code p}: realistic build output of about {@code lineBytes}. */
    private static String text(int p, long i, int lineBytes) {
        String head = "[pusher " + p + "] compiling module " + i + ": ";
        var sb = new StringBuilder(lineBytes).append(head);
        while (sb.length() < lineBytes) {
            sb.append("src/main/java/dev/stroem/Example").append(i % 97).append(".java ");
        }
        sb.setLength(lineBytes);
        return sb.toString();
    }

    // --- HTTP ------------------------------------------------------------------------------

    private static Rate http(Settings s, Path dir) throws Exception {
        Files.createDirectories(dir);
        // -Dbench.db=postgres://… measures the PostgreSQL path (each batch a chunk in the database first).
        String db = System.getProperty("bench.db", "sqlite:" + dir.resolve("stroem.db"));
        var config = TestServer.in(dir, db);
        if (s.secrets() > 0) {
            // Workspace secrets that never occur in the lines: every line is searched, none is changed.
            var yaml = new StringBuilder("secrets:\n");
            for (int i = 0; i < s.secrets(); i++) {
                yaml.append("  S").append(i).append(": \"tok-").append(Integer.toHexString(0x5eed00 + i * 7919)).append("-value\"\n");
            }
            config.workflowFile("secrets.yaml", yaml.toString());
        }
        try (TestServer server = config.start()) {
            var json = new ObjectMapper();
            var client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            var jobs = new ArrayList<String>();
            for (int p = 0; p < s.pushers(); p++) {
                var created = client.send(HttpRequest.newBuilder(URI.create(server.url() + "/api/workspaces/default/tasks/needs-token/execute"))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"input\":{\"token\":\"t\"}}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                jobs.add(json.readTree(created.body()).path("job_id").asText());
            }
            return push(s, new Targets(List.of(server.url()), TestServer.WORKER_TOKEN, jobs), CpuClock.thisProcess());
        }
    }

    /** Pushes batches of step {@code only} into the targets' jobs: warm-up, then the measured seconds. */
    static Rate push(Settings s, Targets targets, CpuClock cpu) throws Exception {
        var json = new ObjectMapper();
        IntFunction<Pusher> pushers = p -> {
            var bodies = new ArrayList<BatchBody>();
            for (int k = 0; k < RING; k++) {
                bodies.add(batchBody(json, p, k, s));
            }
            String path = "/worker/jobs/" + targets.jobs().get(p) + "/logs";
            int servers = targets.bases().size();
            if (s.client().equals("raw")) {
                // One keep-alive connection per server, opened by the pusher's own thread.
                RawHttpClient[] connections = new RawHttpClient[servers];
                return batchNo -> {
                    int at = (int) ((p + batchNo) % servers);
                    if (connections[at] == null) {
                        URI base = URI.create(targets.bases().get(at));
                        connections[at] = new RawHttpClient(base.getHost(), base.getPort());
                    }
                    int status = connections[at].post(path, targets.token(), bodies.get((int) (batchNo % RING)).withFreshBatchId());
                    if (status != 200) {
                        throw new IllegalStateException("ingest answered " + status);
                    }
                };
            }
            // Each pusher is its own worker: its own connections.
            var own = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            return batchNo -> {
                URI uri = URI.create(targets.bases().get((int) ((p + batchNo) % servers)) + path);
                byte[] body = bodies.get((int) (batchNo % RING)).withFreshBatchId();
                var response = own.send(HttpRequest.newBuilder(uri)
                        .header("Authorization", "Bearer " + targets.token())
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 200) {
                    throw new IllegalStateException("ingest answered " + response.statusCode() + ": " + response.body());
                }
            };
        };
        return run(s, pushers, cpu);
    }

    /** A batch's JSON with a slot for its batch id, so every send can carry a new one without re-encoding. */
    private record BatchBody(byte[] json, int idOffset) {
        byte[] withFreshBatchId() {
            byte[] copy = json.clone();
            byte[] id = UUID.randomUUID().toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            System.arraycopy(id, 0, copy, idOffset, id.length);
            return copy;
        }
    }

    private static final String ID_SLOT = "00000000-0000-0000-0000-000000000000";

    private static final JsonlCodec CODEC = new JsonlCodec();

    private static BatchBody batchBody(ObjectMapper json, int p, long batchNo, Settings s) {
        var lines = new ArrayList<Map<String, Object>>(s.batch());
        // Millisecond UTC timestamps, as the worker of this project sends them (ShippedLine).
        String ts = CODEC.formatTimestamp(Instant.now());
        for (int i = 0; i < s.batch(); i++) {
            var line = new LinkedHashMap<String, Object>();
            line.put("ts", ts);
            line.put("stream", i % 10 == 9 ? "stderr" : "stdout");
            line.put("line", text(p, batchNo * s.batch() + i, s.lineBytes()));
            lines.add(line);
        }
        var body = new LinkedHashMap<String, Object>();
        body.put("step_name", "only");
        body.put("batch_id", ID_SLOT);
        body.put("lines", lines);
        try {
            byte[] bytes = json.writeValueAsBytes(body);
            String text = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
            return new BatchBody(bytes, text.indexOf(ID_SLOT));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    // --- engine ----------------------------------------------------------------------------

    private static Rate engine(Settings s, Path dir) throws Exception {
        try (var store = new LocalLogStore(dir)) {
            IntFunction<Pusher> pushers = p -> {
                String jobId = UUID.randomUUID().toString();
                var batches = new ArrayList<List<LogLine>>();
                Instant ts = Instant.ofEpochMilli(System.currentTimeMillis());
                for (int k = 0; k < RING; k++) {
                    var lines = new ArrayList<LogLine>(s.batch());
                    for (int i = 0; i < s.batch(); i++) {
                        String text = text(p, (long) k * s.batch() + i, s.lineBytes());
                        lines.add(new LogLine(ts, i % 10 == 9 ? LogStream.STDERR : LogStream.STDOUT, "only", text));
                    }
                    batches.add(lines);
                }
                return batchNo -> {
                    store.append(jobId, UUID.randomUUID().toString(), batches.get((int) (batchNo % RING)));
                };
            };
            return run(s, pushers, CpuClock.thisProcess());
        }
    }

    // --- driver ----------------------------------------------------------------------------

    /** Sends batch number {@code n}. */
    private interface Pusher {
        void push(long n) throws Exception;
    }

    /** Distinct batches each pusher cycles through (built before the clock starts, on both sides). */
    private static final int RING = 16;

    /** Runs the pushers for the warm-up, then counts what they push during the measured seconds. */
    private static Rate run(Settings s, IntFunction<Pusher> factory, CpuClock cpu) throws Exception {
        var measuring = new AtomicBoolean(false);
        var stop = new AtomicBoolean(false);
        var lines = new LongAdder();
        var failures = new ArrayList<Throwable>();
        var done = new CountDownLatch(s.pushers());
        var threads = new ArrayList<Thread>();
        for (int p = 0; p < s.pushers(); p++) {
            Pusher pusher = factory.apply(p);
            var t = new Thread(() -> {
                try {
                    long n = 0;
                    while (!stop.get()) {
                        pusher.push(n++);
                        if (measuring.get()) {
                            lines.add(s.batch());
                        }
                    }
                } catch (Throwable e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                } finally {
                    done.countDown();
                }
            }, "pusher-" + p);
            threads.add(t);
            t.start();
        }
        Thread.sleep(s.warmupSeconds() * 1000L);
        Map<String, Long> cpuStart = cpu.nanos();
        measuring.set(true);
        long start = System.nanoTime();
        Thread.sleep(s.seconds() * 1000L);
        measuring.set(false);
        double elapsed = (System.nanoTime() - start) / 1e9;
        Map<String, Long> cpuEnd = cpu.nanos();
        stop.set(true);
        done.await();
        if (!failures.isEmpty()) {
            throw new IllegalStateException("a pusher failed", failures.get(0));
        }
        var used = new LinkedHashMap<String, Double>();
        cpuEnd.forEach((part, nanos) -> used.put(part, (nanos - cpuStart.getOrDefault(part, 0L)) / 1e9));
        return new Rate(lines.sum(), lines.sum() * s.lineBytes(), elapsed, used);
    }

    static Settings parse(String[] args) {
        int seconds = 6;
        int warmup = 3;
        int rounds = 5;
        int pushers = 4;
        int batch = 500;
        int lineBytes = 100;
        String mode = "both";
        String client = "raw";
        int secrets = 0;
        for (int i = 0; i < args.length; i += 2) {
            if (args[i].equals("--only")) {
                mode = args[i + 1];
                continue;
            }
            if (args[i].equals("--client")) {
                client = args[i + 1];
                continue;
            }
            int v = Integer.parseInt(args[i + 1]);
            switch (args[i]) {
                case "--seconds" -> seconds = v;
                case "--warmup" -> warmup = v;
                case "--rounds" -> rounds = v;
                case "--pushers" -> pushers = v;
                case "--batch" -> batch = v;
                case "--line-bytes" -> lineBytes = v;
                case "--secrets" -> secrets = v;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (!client.equals("jdk") && !client.equals("raw")) {
            throw new IllegalArgumentException("--client must be jdk or raw");
        }
        return new Settings(seconds, warmup, rounds, pushers, batch, lineBytes, mode, client, secrets);
    }

    /**
     * Deletes what a phase wrote, so its dirty pages are dropped rather than written back while
     * the next phase runs (the kernel would throttle the next phase's writes for them).
     */
    private static void settle(Path phaseDir) throws Exception {
        deleteRecursively(phaseDir);
        Thread.sleep(2000);
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
