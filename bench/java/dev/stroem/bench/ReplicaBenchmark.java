package dev.stroem.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stroem.jobs.store.DatabaseUrl;
import dev.stroem.jobs.store.PostgresTestDatabase;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Several replicas on PostgreSQL against one server on SQLite (issue 12), all real {@code stroem
 * server} processes from {@code target/stroem.jar} on this machine: replicas {@code a} and
 * {@code b} on a fresh PostgreSQL database (created for the run, dropped after it) with one shared
 * local archive and a {@code local_dir} each, and {@code s} on SQLite.
 *
 * <ol>
 *   <li>Ingest: the HTTP load generator of {@link IngestBenchmark} ({@code --pushers} jobs, one
 *       pusher each, batches of {@code --batch} lines with a {@code batch_id}, as the worker ships
 *       them) pushes, round after round, to {@code s}; to {@code a} and {@code b} in turn (batch
 *       {@code n} of a job to the other replica than batch {@code n-1}: a load balancer spreading
 *       requests, the hardest case, as every replica must also copy the other's chunks into its
 *       file); and to {@code a} alone. The CPU of each server process, of the PostgreSQL backends
 *       serving the run's database and of this generator is reported per line.</li>
 *   <li>Cross-replica latency: {@link LiveLogStreamBench}'s scenario with {@code --viewers}
 *       WebSocket viewers on {@code b} of a job whose probe lines are pushed to {@code a}, while
 *       {@code a} ingests {@code --latency-ingest} lines/s into other jobs. Pushers and viewers are
 *       in this JVM: latency is measured on one {@code System.nanoTime()} clock.</li>
 * </ol>
 *
 * Run with {@code bench/run-replicas.sh}; the PostgreSQL server is {@code STROEM_TEST_PG_URL}
 * (default {@code postgres://postgres@127.0.0.1:5432/test}), with its own configuration.
 */
public final class ReplicaBenchmark {
    private static final String TOKEN = "bench-worker-token";
    private static final String TASK = "bench";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** A server process and its base URL. */
    private record Server(String name, Process process, String url, Path log) {}

    public static void main(String[] args) throws Exception {
        Path jar = Path.of("target/stroem.jar");
        int latencySeconds = 30;
        int viewers = 100;
        int probes = 20;
        int latencyIngest = 100_000;
        int warmupRounds = 1;
        var only = new ArrayList<String>();
        // Defaults for this benchmark; IngestBenchmark's own options follow and may override them.
        var ingestArgs = new ArrayList<>(List.of("--rounds", "3", "--pushers", "8", "--only", "http"));
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--jar" -> jar = Path.of(args[i + 1]);
                case "--latency-seconds" -> latencySeconds = Integer.parseInt(args[i + 1]);
                case "--viewers" -> viewers = Integer.parseInt(args[i + 1]);
                case "--probes" -> probes = Integer.parseInt(args[i + 1]);
                case "--latency-ingest" -> latencyIngest = Integer.parseInt(args[i + 1]);
                case "--warmup-rounds" -> warmupRounds = Integer.parseInt(args[i + 1]);
                case "--setups" -> only.addAll(List.of(args[i + 1].split(",")));
                default -> ingestArgs.addAll(List.of(args[i], args[i + 1]));
            }
        }
        var s = IngestBenchmark.parse(ingestArgs.toArray(String[]::new));
        Path dir = Files.createTempDirectory("stroem-replica-bench");
        LiveLogStreamBench.writeWorkspace(dir);
        System.out.printf(Locale.ROOT, "Replica benchmark: %d pushers (one job each, %s client), %d-line batches of ~%d-byte "
                        + "lines, %d rounds of %ds warm-up + %ds measured per setup; %d cores, Java %s; load average %s%n",
                s.pushers(), s.client(), s.batch(), s.lineBytes(), s.rounds(), s.warmupSeconds(), s.seconds(),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), loadAverage());

        var servers = new ArrayList<Server>();
        // The database outlives the servers: it is dropped after they stopped.
        try (var database = PostgresTestDatabase.create()) {
            try {
                System.out.println("PostgreSQL: " + settings(database.url()) + "; fresh database for this run");
                Path archive = dir.resolve("archive");
                Server a = start(jar, dir, "a", database.url(), archive);
                servers.add(a);
                Server b = start(jar, dir, "b", database.url(), archive);
                servers.add(b);
                Server sqlite = start(jar, dir, "s", "sqlite:" + dir.resolve("s.db"), dir.resolve("archive-s"));
                servers.add(sqlite);
                for (Server server : servers) {
                    awaitHealthy(server);
                }
                IngestBenchmark.CpuClock cpu = () -> {
                    var nanos = new LinkedHashMap<String, Long>();
                    for (Server server : servers) {
                        nanos.put(server.name(), processCpuNanos(server.process().pid()));
                    }
                    nanos.put("postgres", postgresCpuNanos(database.url()));
                    nanos.put("generator", IngestBenchmark.CpuClock.thisProcess().nanos().get("process"));
                    return nanos;
                };

                // Rounds alternate the setups so that load from elsewhere on the machine hits all alike.
                var setups = new LinkedHashMap<String, List<String>>();
                if (only.isEmpty() || only.contains("sqlite")) {
                    setups.put("1 server, SQLite", List.of(sqlite.url()));
                }
                if (only.isEmpty() || only.contains("replicas")) {
                    setups.put("2 replicas, PostgreSQL", List.of(a.url(), b.url()));
                }
                if (only.isEmpty() || only.contains("single")) {
                    setups.put("1 replica, PostgreSQL", List.of(a.url()));
                }
                var lastJobs = new LinkedHashMap<String, List<String>>();
                var rates = new LinkedHashMap<String, List<Double>>();
                var cpuPerLine = new LinkedHashMap<String, List<Double>>();
                System.out.println();
                // Fresh server JVMs compile their hot paths for a minute or more: rounds that are not
                // counted come first, so the measured ones see servers as they run for hours.
                for (int r = 1 - warmupRounds; r <= s.rounds(); r++) {
                    for (var setup : setups.entrySet()) {
                        var jobs = new ArrayList<String>();
                        for (int p = 0; p < s.pushers(); p++) {
                            jobs.add(createJob(setup.getValue().get(0)));
                        }
                        var rate = IngestBenchmark.push(s, new IngestBenchmark.Targets(setup.getValue(), TOKEN, jobs), cpu);
                        lastJobs.put(setup.getKey(), jobs);
                        if (r < 1) {
                            IngestBenchmark.print("(warm-up) " + setup.getKey(), rate);
                            Thread.sleep(2000);
                            continue;
                        }
                        IngestBenchmark.print("round " + r + " " + setup.getKey(), rate);
                        rates.computeIfAbsent(setup.getKey(), k -> new ArrayList<>()).add(rate.linesPerSecond());
                        cpuPerLine.computeIfAbsent(setup.getKey(), k -> new ArrayList<>()).add(rate.cpuMicrosPerLine());
                        // Let the replicas' followers and the database settle before the next setup.
                        Thread.sleep(2000);
                    }
                    System.out.printf(Locale.ROOT, "  load average after %s: %s%n", r < 1 ? "warm-up" : "round " + r, loadAverage());
                }
                System.out.println();
                for (String setup : setups.keySet()) {
                    if (!rates.containsKey(setup)) {
                        continue;
                    }
                    System.out.printf(Locale.ROOT, "median %-24s %,12.0f lines/s  %6.2f µs CPU/line (all processes)%n", setup,
                            IngestBenchmark.median(rates.get(setup)), IngestBenchmark.median(cpuPerLine.get(setup)));
                }
                if (rates.containsKey("2 replicas, PostgreSQL")) {
                    double replicas = IngestBenchmark.median(rates.get("2 replicas, PostgreSQL"));
                    System.out.printf(Locale.ROOT, "target >= 150,000 lines/s through the 2 replicas together: %s (%,.0f)%n",
                            replicas >= 150_000 ? "met" : "NOT met", replicas);
                }

                if (lastJobs.containsKey("2 replicas, PostgreSQL")) {
                    // Nobody watched those jobs, so neither replica copied the other's chunks while they were
                    // ingested: the first read on a replica pays for that copy. Measured here, then a second read.
                    var jobs = lastJobs.get("2 replicas, PostgreSQL");
                    System.out.printf(Locale.ROOT, "%nReading the last round's %d jobs from b (GET /api/jobs/{id}/logs/raw, one "
                            + "after the other):%n", jobs.size());
                    printRead("  first read (b copies the lines a stored)", b.url(), jobs);
                    printRead("  second read (b's file is whole)", b.url(), jobs);
                }

                if (latencySeconds > 0) {
                    System.out.printf(Locale.ROOT, "%nCross-replica latency: %d viewers on b of one job whose probe lines (%d/s) are "
                                    + "pushed to a, while a ingests %,d lines/s into 10 other jobs; %d s (first 3 s not counted); "
                                    + "load average %s%n", viewers, probes, latencyIngest, latencySeconds, loadAverage());
                    LiveLogStreamBench.across(a.url(), b.url(), TOKEN, TASK, latencyIngest, latencySeconds,
                            List.of("1x" + viewers + "@" + probes));
                }
                System.out.printf(Locale.ROOT, "load average at the end: %s%n", loadAverage());
            } finally {
                for (Server server : servers) {
                    server.process().destroy();
                }
                for (Server server : servers) {
                    if (!server.process().waitFor(60, TimeUnit.SECONDS)) {
                        server.process().destroyForcibly();
                    }
                }
            }
        } finally {
            deleteRecursively(dir);
        }
    }

    private static void printRead(String what, String base, List<String> jobs) throws Exception {
        long lines = 0;
        long started = System.nanoTime();
        for (String job : jobs) {
            var r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/jobs/" + job + "/logs/raw")).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            try (var in = r.body()) {
                if (r.statusCode() != 200) {
                    throw new IllegalStateException("raw log answered " + r.statusCode());
                }
                byte[] buffer = new byte[1 << 16];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    for (int i = 0; i < n; i++) {
                        if (buffer[i] == '\n') {
                            lines++;
                        }
                    }
                }
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf(Locale.ROOT, "%-45s %,12d lines in %6.2f s  %,12.0f lines/s%n", what, lines, seconds, lines / seconds);
    }


    private static Server start(Path jar, Path dir, String name, String dbUrl, Path archive) throws IOException {
        int port;
        try (var socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path config = Files.writeString(dir.resolve("server-" + name + ".yaml"), "listen: \"127.0.0.1:" + port + "\"\n"
                + "db:\n  url: \"" + dbUrl + "\"\n"
                + "worker_token: \"" + TOKEN + "\"\n"
                + "log_storage:\n  local_dir: \"" + dir.resolve("logs-" + name) + "\"\n"
                + "  archive:\n    type: local\n    path: \"" + archive + "\"\n"
                + "workspaces:\n  default:\n    type: folder\n    path: \"" + dir.resolve("workspace") + "\"\n"
                // No worker runs the jobs: they must stay running rather than fail (and be archived) mid-measurement.
                + "recovery:\n  unmatched_step_timeout_secs: 86400\n");
        var command = new ArrayList<String>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        // e.g. STROEM_BENCH_JAVA_OPTS='-XX:StartFlightRecording=filename=/tmp/{name}.jfr' to profile the servers
        String extra = System.getenv("STROEM_BENCH_JAVA_OPTS");
        if (extra != null && !extra.isBlank()) {
            for (String option : extra.trim().split("\\s+")) {
                command.add(option.replace("{name}", "server-" + name));
            }
        }
        command.addAll(List.of("-jar", jar.toAbsolutePath().toString(), "server", "--config", config.toString()));
        Path log = dir.resolve("server-" + name + ".out");
        var process = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(log.toFile())
                .redirectErrorStream(true)
                .start();
        return new Server(name, process, "http://127.0.0.1:" + port, log);
    }

    private static void awaitHealthy(Server server) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            if (!server.process().isAlive()) {
                throw new IllegalStateException("server " + server.name() + " exited with " + server.process().exitValue()
                        + "; it printed:\n" + Files.readString(server.log()));
            }
            try {
                var r = HTTP.send(HttpRequest.newBuilder(URI.create(server.url() + "/healthz")).timeout(Duration.ofSeconds(5))
                        .build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("server " + server.name() + " did not become healthy");
            }
            Thread.sleep(200);
        }
    }

    private static String createJob(String base) throws Exception {
        var r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/workspaces/default/tasks/" + TASK + "/execute"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"input\":{}}")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("execute answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body()).path("job_id").asText();
    }

    /** User + system CPU of a process so far ({@code /proc/PID/stat}, clock ticks of 10 ms). */
    private static long processCpuNanos(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L;
        } catch (IOException e) {
            return 0; // gone meanwhile
        }
    }

    /**
     * CPU of the PostgreSQL backends serving the run's database (not the server's other sessions,
     * nor its WAL writer and checkpointer, which serve every database on the machine).
     */
    private static long postgresCpuNanos(String dbUrl) throws IOException {
        var url = DatabaseUrl.parse(dbUrl);
        String name = url.jdbcUrl().substring(url.jdbcUrl().lastIndexOf('/') + 1);
        var pids = new ArrayList<Long>();
        try (var c = DriverManager.getConnection(url.jdbcUrl(), PostgresTestDatabase.credentials(url));
                var st = c.prepareStatement("SELECT pid FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()")) {
            st.setString(1, name);
            try (var rs = st.executeQuery()) {
                while (rs.next()) {
                    pids.add(rs.getLong(1));
                }
            }
        } catch (java.sql.SQLException e) {
            throw new IOException(e);
        }
        return pids.stream().mapToLong(ReplicaBenchmark::processCpuNanos).sum();
    }

    /** The PostgreSQL settings that bound a commit, as the machine's server has them (never changed here). */
    private static String settings(String dbUrl) throws Exception {
        var url = DatabaseUrl.parse(dbUrl);
        try (var c = DriverManager.getConnection(url.jdbcUrl(), PostgresTestDatabase.credentials(url)); var st = c.createStatement()) {
            var out = new StringBuilder();
            try (var rs = st.executeQuery("SELECT version()")) {
                rs.next();
                out.append(rs.getString(1), 0, rs.getString(1).indexOf(" on "));
            }
            for (String setting : List.of("synchronous_commit", "fsync", "wal_sync_method", "commit_delay", "shared_buffers")) {
                try (var rs = st.executeQuery("SHOW " + setting)) {
                    rs.next();
                    out.append(", ").append(setting).append('=').append(rs.getString(1));
                }
            }
            return out.toString();
        }
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
