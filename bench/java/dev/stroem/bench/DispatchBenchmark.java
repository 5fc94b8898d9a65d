package dev.stroem.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How soon steps start: a real {@code stroem server} process and real {@code stroem worker}
 * processes (the built jar) on this machine, SQLite, steps that run {@code echo}.
 *
 * <ol>
 *   <li>Throughput, cold: {@code --jobs} one-step jobs on the freshly started processes, submitted
 *       as fast as the API takes them by 4 client threads: jobs (= steps) per second from the first
 *       creation to the last completion, and the CPU the processes used per job. The JVMs compile
 *       their hot paths meanwhile, as a server or worker just started (or one that rarely runs
 *       steps) does.</li>
 *   <li>Latency: a two-step job ({@code echo a}, then {@code echo b}), one at a time, idle
 *       machine otherwise: from the job's creation to its completion (the server's own timestamps)
 *       over {@code --runs} jobs, after 10 two-step ones.</li>
 *   <li>Throughput, warm: {@code --warmup} more one-step jobs (300), then {@code --jobs} again,
 *       measured as the cold run: processes that have been running a while.</li>
 *   <li>Steady state, only with {@code --steady N}: N more one-step jobs (not measured), then
 *       {@code --jobs} again: a server and workers that have run for days and compiled what is hot.</li>
 * </ol>
 *
 * CPU per job is also split into the JVMs' JIT compiler threads and GC/VM threads, by thread name.
 *
 * Per-step ready → claimed and claimed → started come from the database's timestamps
 * ({@code job_steps.ready_at/claimed_at/started_at}, milliseconds) read after the run.
 *
 * <p>{@code --mode wait}: workers claim with {@code claim_wait_secs: 20} (the default);
 * {@code --mode poll}: {@code claim_wait_secs: 0}, i.e. polling every {@code poll_interval_secs: 1}
 * as before the waiting claims. Run both with {@code bench/run-dispatch.sh}.
 */
public final class DispatchBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "bench-worker-token";

    private record Settings(Path jar, String mode, int runs, int jobs, int warmup, int steady, int workers, int slots) {}

    public static void main(String[] args) throws Exception {
        var s = parse(args);
        Path dir = Files.createTempDirectory("stroem-dispatch-bench");
        int port;
        try (var socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String url = "http://127.0.0.1:" + port;
        writeWorkspace(dir);
        Files.writeString(dir.resolve("server.yaml"), "listen: \"127.0.0.1:" + port + "\"\n"
                + "db:\n  url: \"sqlite:" + dir.resolve("stroem.db") + "\"\n"
                + "worker_token: \"" + TOKEN + "\"\n"
                + "log_storage:\n  local_dir: \"" + dir.resolve("logs") + "\"\n"
                + "workspaces:\n  default:\n    type: folder\n    path: \"" + dir.resolve("workspace") + "\"\n");
        System.out.printf(Locale.ROOT, "Dispatch benchmark, mode %s: %d worker process(es) x %d slots, %d cores, %s, "
                        + "load average %s; JVM options: server '%s', workers '%s'%n", s.mode(), s.workers(), s.slots(),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), loadAverage(),
                String.join(" ", javaOptions("server")), String.join(" ", javaOptions("worker")));

        var processes = new ArrayList<Process>();
        try {
            processes.add(start(s, dir, "server", "server", "--config", dir.resolve("server.yaml").toString()));
            var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            awaitHealthy(http, url);
            for (int i = 1; i <= s.workers(); i++) {
                Path config = dir.resolve("worker-" + i + ".yaml");
                Files.writeString(config, "server_url: \"" + url + "\"\nworker_token: \"" + TOKEN + "\"\n"
                        + "worker_name: \"bench-" + i + "\"\nmax_concurrent: " + s.slots() + "\n"
                        + "poll_interval_secs: 1\nclaim_wait_secs: " + (s.mode().equals("wait") ? 20 : 0) + "\n"
                        + "work_dir: \"" + dir.resolve("work-" + i) + "\"\n");
                processes.add(start(s, dir, "worker-" + i, "worker", "--config", config.toString()));
            }

            // Cold: the first --jobs jobs of fresh JVMs, which compile their hot paths meanwhile (a
            // server or worker just started, or a short burst).
            var cold = throughput(http, url, processes, "one-step", s.jobs());

            for (int i = 0; i < 10; i++) {
                awaitCompleted(http, url, execute(http, url, "two-step"));
            }
            var latencies = new ArrayList<Long>();
            var seen = new ArrayList<Long>();
            var measured = new ArrayList<String>();
            for (int i = 0; i < s.runs(); i++) {
                long sent = System.nanoTime();
                String jobId = execute(http, url, "two-step");
                JsonNode job = awaitCompleted(http, url, jobId);
                seen.add((System.nanoTime() - sent) / 1_000_000);
                latencies.add(Duration.between(Instant.parse(job.path("created_at").asText()),
                        Instant.parse(job.path("completed_at").asText())).toMillis());
                measured.add(jobId);
            }

            // Warm: the same again once the JVMs have run --warmup more jobs (steady state, a server
            // and workers that have been running for a while).
            if (s.warmup() > 0) {
                var warmup = submit(http, url, "warm-up", s.warmup());
                awaitAllCompleted(http, url, "warm-up", warmup.size());
            }
            int before = s.jobs() + 10 + s.runs() + s.warmup();
            var warm = throughput(http, url, processes, "one-step-warm", s.jobs());

            // Steady state (--steady N, off by default): a server and workers that have run for days
            // have compiled everything hot; N more jobs unmeasured, then --jobs once more.
            Throughput steady = null;
            int beforeSteady = before + s.jobs() + s.steady();
            if (s.steady() > 0) {
                var more = submit(http, url, "warm-up", s.steady());
                awaitAllCompleted(http, url, "warm-up", s.warmup() + more.size());
                steady = throughput(http, url, processes, "one-step-steady", s.jobs());
            }

            stop(processes);
            report(s, dir, measured, latencies, seen, cold, warm, before, steady, beforeSteady);
            System.out.printf(Locale.ROOT, "load average at the end: %s%n", loadAverage());
        } finally {
            stop(processes);
        }
    }

    /** One throughput run: the jobs, how long submitting them took, and the CPU the processes used meanwhile. */
    private record Throughput(List<String> jobIds, double submitSeconds, Cpu cpu) {}

    private static Throughput throughput(HttpClient http, String url, List<Process> processes, String task, int jobs)
            throws Exception {
        Cpu cpuBefore = Cpu.of(processes);
        long submitStart = System.nanoTime();
        var jobIds = submit(http, url, task, jobs);
        double submitSeconds = (System.nanoTime() - submitStart) / 1e9;
        awaitAllCompleted(http, url, task, jobIds.size());
        return new Throughput(jobIds, submitSeconds, Cpu.of(processes).minus(cpuBefore));
    }

    private static void report(Settings s, Path dir, List<String> latencyJobs, List<Long> latencies, List<Long> seen,
            Throughput cold, Throughput warm, int jobsBeforeWarm, Throughput steady, int jobsBeforeSteady)
            throws Exception {
        System.out.printf(Locale.ROOT, "two-step job, created -> completed (server timestamps), %d runs: p50 %d ms, "
                + "p99 %d ms, max %d ms%n", latencies.size(), pct(latencies, 50), pct(latencies, 99), Collections.max(latencies));
        System.out.printf(Locale.ROOT, "two-step job, execute sent -> client saw completed (polling GET every 20 ms): "
                + "p50 %d ms, p99 %d ms%n", pct(seen, 50), pct(seen, 99));
        try (var db = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("stroem.db"))) {
            var readyToClaimed = new ArrayList<Long>();
            var claimedToStarted = new ArrayList<Long>();
            steps(db, latencyJobs, readyToClaimed, claimedToStarted);
            System.out.printf(Locale.ROOT, "  its %d steps: ready -> claimed p50 %d ms, p99 %d ms; claimed -> started "
                    + "p50 %d ms, p99 %d ms%n", readyToClaimed.size(), pct(readyToClaimed, 50), pct(readyToClaimed, 99),
                    pct(claimedToStarted, 50), pct(claimedToStarted, 99));
            double coldRate = reportThroughput(db, "cold (the first jobs of fresh JVMs)", cold);
            double warmRate = reportThroughput(db, "warm (after " + jobsBeforeWarm + " jobs)", warm);
            double steadyRate = steady == null ? Double.NaN
                    : reportThroughput(db, "steady state (after " + jobsBeforeSteady + " jobs)", steady);
            System.out.printf(Locale.ROOT, "issue 19 targets (mode %s): two-step p50 < 200 ms: %s (%d ms); "
                            + "ready -> claimed p99 < 20 ms: %s (%d ms); >= 150 steps/s: cold %s (%.0f), warm %s (%.0f)%s%n",
                    s.mode(), met(pct(latencies, 50) < 200), pct(latencies, 50), met(pct(readyToClaimed, 99) < 20),
                    pct(readyToClaimed, 99), met(coldRate >= 150), coldRate, met(warmRate >= 150), warmRate,
                    steady == null ? "" : String.format(Locale.ROOT, ", steady state %s (%.0f)", met(steadyRate >= 150),
                            steadyRate));
        }
    }

    /** Prints one throughput run's rate and CPU per job; returns the rate (steps per second). */
    private static double reportThroughput(java.sql.Connection db, String label, Throughput run) throws Exception {
        var jobIds = run.jobIds();
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        try (var q = db.prepareStatement("SELECT created_at, completed_at FROM jobs WHERE job_id = ?")) {
            for (String jobId : jobIds) {
                q.setString(1, jobId);
                try (var rs = q.executeQuery()) {
                    rs.next();
                    first = Math.min(first, rs.getLong(1));
                    last = Math.max(last, rs.getLong(2));
                }
            }
        }
        double seconds = (last - first) / 1000.0;
        var tReady = new ArrayList<Long>();
        var tStarted = new ArrayList<Long>();
        steps(db, jobIds, tReady, tStarted);
        double rate = jobIds.size() / seconds;
        System.out.printf(Locale.ROOT, "%d one-step jobs, %s: first created -> last completed %.2f s = %.0f steps/s "
                        + "(submitted in %.2f s = %.0f jobs/s); ready -> claimed p50 %d ms, p99 %d ms%n",
                jobIds.size(), label, seconds, rate, run.submitSeconds(), jobIds.size() / run.submitSeconds(),
                pct(tReady, 50), pct(tReady, 99));
        var cpu = run.cpu();
        System.out.printf(Locale.ROOT, "  CPU per one-step job (load-independent): server %.1f ms, worker JVMs %.1f ms, "
                        + "step processes %.1f ms; total %.1f ms%n", cpu.server() / (double) jobIds.size(),
                cpu.workers() / (double) jobIds.size(), cpu.children() / (double) jobIds.size(),
                cpu.total() / (double) jobIds.size());
        System.out.printf(Locale.ROOT, "    of which JIT compiler threads: server %.1f ms, workers %.1f ms; GC and VM "
                        + "threads: server %.1f ms, workers %.1f ms%n", Cpu.sum(cpu.serverJit()) / (double) jobIds.size(),
                Cpu.sum(cpu.workersJit()) / (double) jobIds.size(), Cpu.sum(cpu.serverGc()) / (double) jobIds.size(),
                Cpu.sum(cpu.workersGc()) / (double) jobIds.size());
        return rate;
    }

    /** Submits {@code count} jobs of the task as fast as the API takes them, from 4 client threads. */
    private static List<String> submit(HttpClient http, String url, String task, int count) throws Exception {
        ExecutorService submitters = Executors.newFixedThreadPool(4);
        try {
            var next = new AtomicInteger();
            var futures = new ArrayList<Future<List<String>>>();
            for (int t = 0; t < 4; t++) {
                futures.add(submitters.submit(() -> {
                    var mine = new ArrayList<String>();
                    while (next.getAndIncrement() < count) {
                        mine.add(execute(http, url, task));
                    }
                    return mine;
                }));
            }
            var jobIds = new ArrayList<String>();
            for (var f : futures) {
                jobIds.addAll(f.get());
            }
            return jobIds;
        } finally {
            submitters.shutdown();
        }
    }

    private static String met(boolean yes) {
        return yes ? "met" : "NOT met";
    }

    private static void steps(java.sql.Connection db, List<String> jobIds, List<Long> readyToClaimed,
            List<Long> claimedToStarted) throws Exception {
        try (var q = db.prepareStatement("SELECT ready_at, claimed_at, started_at FROM job_steps WHERE job_id = ?")) {
            for (String jobId : jobIds) {
                q.setString(1, jobId);
                try (var rs = q.executeQuery()) {
                    while (rs.next()) {
                        readyToClaimed.add(rs.getLong(2) - rs.getLong(1));
                        claimedToStarted.add(rs.getLong(3) - rs.getLong(2));
                    }
                }
            }
        }
    }

    /**
     * CPU time in milliseconds (Linux {@code /proc/PID/stat}): the server's, the worker JVMs' own, and
     * that of the step processes the workers ran and reaped (their children); of the JVMs' own, what
     * their JIT compiler threads and their GC/VM threads used ({@code /proc/PID/task/TID/stat}, by
     * thread name and id; a compiler thread the JVM ended meanwhile is missing, so these are lower bounds).
     */
    private record Cpu(long server, long workers, long children, Map<Long, Long> serverJit, Map<Long, Long> serverGc,
            Map<Long, Long> workersJit, Map<Long, Long> workersGc) {
        static Cpu of(List<Process> processes) throws IOException {
            long server = 0;
            long workers = 0;
            long children = 0;
            var serverJit = new HashMap<Long, Long>();
            var serverGc = new HashMap<Long, Long>();
            var workersJit = new HashMap<Long, Long>();
            var workersGc = new HashMap<Long, Long>();
            for (int i = 0; i < processes.size(); i++) {
                long pid = processes.get(i).pid();
                String[] f = statFields(Path.of("/proc/" + pid + "/stat"));
                // fields 14-17 of stat (utime, stime, cutime, cstime) in clock ticks of 10 ms
                long self = (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10;
                long reaped = (Long.parseLong(f[13]) + Long.parseLong(f[14])) * 10;
                var jit = i == 0 ? serverJit : workersJit;
                var gc = i == 0 ? serverGc : workersGc;
                try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
                    for (Path task : (Iterable<Path>) tasks::iterator) {
                        String name;
                        String[] t;
                        try {
                            name = Files.readString(task.resolve("comm")).strip();
                            t = statFields(task.resolve("stat"));
                        } catch (IOException e) {
                            continue; // the thread ended meanwhile
                        }
                        long tid = Long.parseLong(task.getFileName().toString());
                        long ms = (Long.parseLong(t[11]) + Long.parseLong(t[12])) * 10;
                        if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) {
                            jit.put(tid, ms);
                        } else if (name.startsWith("GC Thread") || name.startsWith("G1 ")
                                || name.startsWith("VM Thread")) {
                            gc.put(tid, ms);
                        }
                    }
                }
                if (i == 0) {
                    server += self;
                } else {
                    workers += self;
                    children += reaped;
                }
            }
            return new Cpu(server, workers, children, serverJit, serverGc, workersJit, workersGc);
        }

        private static String[] statFields(Path stat) throws IOException {
            String text = Files.readString(stat);
            return text.substring(text.lastIndexOf(')') + 2).split(" ");
        }

        /** What the threads alive at the end used since {@code before} (a thread started meanwhile: all of it). */
        private static Map<Long, Long> since(Map<Long, Long> after, Map<Long, Long> before) {
            var delta = new HashMap<Long, Long>();
            after.forEach((tid, ms) -> delta.put(tid, ms - before.getOrDefault(tid, 0L)));
            return delta;
        }

        Cpu minus(Cpu before) {
            return new Cpu(server - before.server, workers - before.workers, children - before.children,
                    since(serverJit, before.serverJit), since(serverGc, before.serverGc),
                    since(workersJit, before.workersJit), since(workersGc, before.workersGc));
        }

        static long sum(Map<Long, Long> perThread) {
            return perThread.values().stream().mapToLong(Long::longValue).sum();
        }

        long total() {
            return server + workers + children;
        }
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static long pct(List<Long> values, int p) {
        var sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    private static void writeWorkspace(Path dir) throws IOException {
        Path workflows = Files.createDirectories(dir.resolve("workspace").resolve(".workflows"));
        Files.writeString(workflows.resolve("bench.yaml"), """
                actions:
                  echo-a:
                    type: script
                    script: echo a
                  echo-b:
                    type: script
                    script: echo b
                tasks:
                  two-step:
                    flow:
                      first:
                        action: echo-a
                      second:
                        action: echo-b
                        depends_on: [first]
                  one-step:
                    flow:
                      only:
                        action: echo-a
                  one-step-warm:
                    flow:
                      only:
                        action: echo-a
                  one-step-steady:
                    flow:
                      only:
                        action: echo-a
                  warm-up:
                    flow:
                      only:
                        action: echo-a
                """);
    }

    /** What {@code ./stroem worker} gives a worker's JVM when {@code STROEM_JAVA_OPTS} is not set (the launcher). */
    private static final String WORKER_LAUNCHER_OPTS = "-XX:TieredStopAtLevel=1";

    /**
     * The JVM options of process {@code name}: STROEM_BENCH_JAVA_OPTS (e.g.
     * '-XX:StartFlightRecording=filename=/tmp/{name}.jfr' to profile the processes) for all, then for the
     * workers STROEM_BENCH_WORKER_JAVA_OPTS, or when it is not set (set it, even empty, to choose yourself)
     * what {@code ./stroem worker} starts them with, so that by default the workers run as shipped.
     */
    private static List<String> javaOptions(String name) {
        var options = new ArrayList<String>();
        boolean worker = name.startsWith("worker");
        for (String variable : worker ? List.of("STROEM_BENCH_JAVA_OPTS", "STROEM_BENCH_WORKER_JAVA_OPTS")
                : List.of("STROEM_BENCH_JAVA_OPTS")) {
            String extra = System.getenv(variable);
            if (extra == null && variable.equals("STROEM_BENCH_WORKER_JAVA_OPTS")) {
                extra = WORKER_LAUNCHER_OPTS;
            }
            if (extra != null && !extra.isBlank()) {
                for (String option : extra.trim().split("\\s+")) {
                    options.add(option.replace("{name}", name));
                }
            }
        }
        return options;
    }

    private static Process start(Settings s, Path dir, String name, String... args) throws IOException {
        var command = new ArrayList<String>(List.of("java"));
        command.addAll(javaOptions(name));
        command.addAll(List.of("-jar", s.jar().toString()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command)
                .redirectOutput(dir.resolve(name + ".out").toFile())
                .redirectErrorStream(true)
                .start();
    }

    private static void stop(List<Process> processes) throws InterruptedException {
        // Workers first (they were started after the server), each with SIGTERM, then the server.
        for (int i = processes.size() - 1; i >= 0; i--) {
            var p = processes.get(i);
            if (p.isAlive()) {
                p.destroy();
                if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
        processes.clear();
    }

    private static void awaitHealthy(HttpClient http, String url) throws Exception {
        long until = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < until) {
            try {
                var r = http.send(HttpRequest.newBuilder(URI.create(url + "/healthz")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the server did not become healthy within 120 s");
    }

    private static String execute(HttpClient http, String url, String task) throws Exception {
        var r = http.send(HttpRequest.newBuilder(URI.create(url + "/api/workspaces/default/tasks/" + task + "/execute"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"input\":{}}")).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("execute answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body()).path("job_id").asText();
    }

    private static JsonNode awaitCompleted(HttpClient http, String url, String jobId) throws Exception {
        long until = System.nanoTime() + Duration.ofSeconds(300).toNanos();
        while (System.nanoTime() < until) {
            var r = http.send(HttpRequest.newBuilder(URI.create(url + "/api/jobs/" + jobId)).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode job = JSON.readTree(r.body());
            String status = job.path("status").asText();
            if (status.equals("completed")) {
                return job;
            }
            if (status.equals("failed") || status.equals("cancelled")) {
                throw new IllegalStateException("job " + jobId + " " + status + ": " + job);
            }
            Thread.sleep(20); // not more often: the polling would compete with the job it waits for
        }
        throw new IllegalStateException("job " + jobId + " did not complete within 300 s");
    }

    /**
     * Waits until {@code count} jobs of the task completed, asking for the count every 100 ms (one
     * request, not one per job, so that the waiting adds little load of its own; failures are
     * looked for every 2 s). The last completion's time comes from the server, so the 100 ms do
     * not count.
     */
    private static void awaitAllCompleted(HttpClient http, String url, String task, int count) throws Exception {
        long until = System.nanoTime() + Duration.ofSeconds(600).toNanos();
        for (int round = 1; System.nanoTime() < until; round++) {
            if (total(http, url, task, "completed") >= count) {
                return;
            }
            if (round % 20 == 0) {
                long failed = total(http, url, task, "failed") + total(http, url, task, "cancelled");
                if (failed > 0) {
                    throw new IllegalStateException(failed + " jobs of " + task + " failed or were cancelled");
                }
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the " + count + " jobs of " + task + " did not complete within 600 s");
    }

    private static long total(HttpClient http, String url, String task, String status) throws Exception {
        var r = http.send(HttpRequest.newBuilder(URI.create(url + "/api/jobs?workspace=default&task_name=" + task
                + "&status=" + status + "&limit=1")).build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body()).path("total").asLong();
    }

    private static Settings parse(String[] args) {
        Path jar = Path.of("target/stroem.jar");
        String mode = "wait";
        int runs = 100;
        int jobs = 1000;
        int warmup = 300;
        int steady = 0;
        int workers = 2;
        int slots = 4;
        for (int i = 0; i < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--jar" -> jar = Path.of(v);
                case "--mode" -> mode = v;
                case "--runs" -> runs = Integer.parseInt(v);
                case "--jobs" -> jobs = Integer.parseInt(v);
                case "--warmup" -> warmup = Integer.parseInt(v);
                case "--steady" -> steady = Integer.parseInt(v);
                case "--workers" -> workers = Integer.parseInt(v);
                case "--slots" -> slots = Integer.parseInt(v);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (!mode.equals("wait") && !mode.equals("poll")) {
            throw new IllegalArgumentException("--mode is wait or poll");
        }
        return new Settings(jar, mode, runs, jobs, warmup, steady, workers, slots);
    }
}
