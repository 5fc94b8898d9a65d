package dev.stroem.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stroem.storage.S3ProxyServer;
import dev.stroem.web.HttpTestClient;
import dev.stroem.web.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A 1 GiB artifact through Strøm: a step writes it into {@code $ARTIFACTS_DIR}, a real worker
 * process uploads it to a real server process (both {@code -Xmx64m}, GC logged), and it is
 * downloaded again through {@code GET /api/jobs/{id}/artifacts/<name>}, on the local backend and
 * on S3 (S3Proxy in this JVM, filesystem store). Baselines on the same file: {@code cp}, and
 * {@code aws s3 cp} up and down against the same S3Proxy. Reports times, the two JVMs' peak RSS
 * and the most heap either used (from their GC logs). Run with
 * {@code bench/run-artifacts.sh [--gib 1] [--xmx 64m] [--backend local|s3|both]}.
 */
public final class ArtifactBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern GC_HEAP = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");

    public static void main(String[] args) throws Exception {
        double gib = 1;
        String xmx = "64m";
        String backend = "both";
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--gib" -> gib = Double.parseDouble(args[i + 1]);
                case "--xmx" -> xmx = args[i + 1];
                case "--backend" -> backend = args[i + 1];
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        long bytes = (long) (gib * (1L << 30));
        System.out.printf(Locale.ROOT, "Artifact benchmark: %,d bytes, server and worker -Xmx%s, %d cores, Java %s, load %s%n",
                bytes, xmx, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), load());
        if (!backend.equals("s3")) {
            run("local", bytes, xmx);
        }
        if (!backend.equals("local")) {
            run("s3", bytes, xmx);
        }
    }

    private static void run(String backend, long bytes, String xmx) throws Exception {
        Path dir = Files.createTempDirectory("stroem-artifact-bench");
        S3ProxyServer s3 = null;
        Process server = null;
        Process worker = null;
        try {
            int port;
            try (var socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            String bucket = "bench";
            var config = TestServer.in(dir, "sqlite:" + dir.resolve("stroem.db")).listen("127.0.0.1:" + port)
                    .workflowFile("bench.yaml", """
                            tasks:
                              big-artifact:
                                flow:
                                  make:
                                    type: script
                                    timeout: 30m
                                    script: |
                                      yes 0123456789abcdef | head -c %d > "$ARTIFACTS_DIR/big.bin"
                                      echo generated
                            """.formatted(bytes));
            String limits = "artifact_storage:\n  max_file_bytes: %d\n  max_job_bytes: %d\n".formatted(bytes * 2, bytes * 2);
            if (backend.equals("s3")) {
                s3 = new S3ProxyServer().withFilesystemStore(Files.createDirectories(dir.resolve("s3"))).start();
                s3.createBucket(bucket);
                config.yaml(limits + """
                          archive:
                            type: s3
                            bucket: "%s"
                            region: "%s"
                            endpoint: "%s"
                        """.formatted(bucket, S3ProxyServer.REGION, s3.endpoint()));
            } else {
                config.localArchive(dir.resolve("archive")).yaml(limits);
            }
            Path serverConfig = config.write();
            Path workerConfig = Files.writeString(dir.resolve("worker.yaml"), """
                    server_url: "http://127.0.0.1:%d"
                    worker_token: "%s"
                    worker_name: bench-worker
                    work_dir: "%s"
                    """.formatted(port, TestServer.WORKER_TOKEN, dir.resolve("work")));
            server = start(dir, "server", xmx, serverConfig);
            var api = new HttpTestClient("http://127.0.0.1:" + port, null);
            awaitHealthy(api);
            worker = start(dir, "worker", xmx, workerConfig);

            String jobId = api.post("/api/workspaces/default/tasks/big-artifact/execute", Map.of("input", Map.of()))
                    .json().path("job_id").asText();
            JsonNode job = awaitEnd(api, jobId);
            if (!job.path("status").asText().equals("completed")) {
                throw new IllegalStateException("the job did not complete: " + job);
            }
            double upload = uploadSeconds(api, jobId);

            Path downloaded = dir.resolve("downloaded.bin");
            long start = System.nanoTime();
            long got = download(api, "/api/jobs/" + jobId + "/artifacts/big.bin", downloaded);
            double download = (System.nanoTime() - start) / 1e9;
            if (got != bytes) {
                throw new IllegalStateException("downloaded " + got + " bytes, not " + bytes);
            }

            var rows = new ArrayList<String>();
            rows.add(row("worker upload through the server (" + backend + ")", bytes, upload));
            rows.add(row("download through the server (" + backend + ")", bytes, download));
            Path copy = dir.resolve("copy.bin");
            rows.add(row("cp of the same file", bytes, timed(List.of("cp", downloaded.toString(), copy.toString()), Map.of())));
            Files.delete(copy);
            if (s3 != null) {
                var aws = awsCli();
                if (aws == null) {
                    rows.add("aws s3 cp: not installed (apt-get install -y awscli)");
                } else {
                    var env = Map.of("AWS_ACCESS_KEY_ID", S3ProxyServer.ACCESS_KEY, "AWS_SECRET_ACCESS_KEY",
                            S3ProxyServer.SECRET_KEY, "AWS_DEFAULT_REGION", S3ProxyServer.REGION,
                            "AWS_EC2_METADATA_DISABLED", "true");
                    String url = "s3://" + bucket + "/direct/big.bin";
                    rows.add(row("aws s3 cp up (same S3Proxy)", bytes, timed(List.of(aws, "s3", "cp", "--only-show-errors",
                            "--endpoint-url", s3.endpoint().toString(), downloaded.toString(), url), env)));
                    Path back = dir.resolve("aws-down.bin");
                    rows.add(row("aws s3 cp down (same S3Proxy)", bytes, timed(List.of(aws, "s3", "cp", "--only-show-errors",
                            "--endpoint-url", s3.endpoint().toString(), url, back.toString()), env)));
                    Files.delete(back);
                }
            }
            rows.forEach(System.out::println);
            System.out.printf(Locale.ROOT, "server: peak RSS %,d MiB, %s; worker: peak RSS %,d MiB, %s%n",
                    peakRssMiB(server.pid()), heap(dir.resolve("server-gc.log")),
                    peakRssMiB(worker.pid()), heap(dir.resolve("worker-gc.log")));
            if (!server.isAlive() || !worker.isAlive()) {
                throw new IllegalStateException("a process died; see " + dir);
            }
        } finally {
            stop(worker);
            stop(server);
            if (s3 != null) {
                s3.stop();
            }
            try (var files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    private static Process start(Path dir, String role, String xmx, Path config) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        var command = new ArrayList<>(List.of(java, "-Xmx" + xmx, "-XX:+ExitOnOutOfMemoryError",
                "-Xlog:gc:file=" + dir.resolve(role + "-gc.log")));
        String extra = System.getenv("STROEM_BENCH_JAVA_OPTS");
        if (extra != null && !extra.isBlank()) {
            command.addAll(List.of(extra.trim().split("\\s+")));
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.stroem.cli.StroemCommand",
                role, "--config", config.toString()));
        var builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve(role + ".out").toFile());
        builder.environment().putAll(Map.of("AWS_ACCESS_KEY_ID", S3ProxyServer.ACCESS_KEY, "AWS_SECRET_ACCESS_KEY",
                S3ProxyServer.SECRET_KEY, "AWS_REGION", S3ProxyServer.REGION, "AWS_EC2_METADATA_DISABLED", "true"));
        return builder.start();
    }

    private static void stop(Process p) throws InterruptedException {
        if (p != null) {
            p.destroy();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
            }
        }
    }

    private static void awaitHealthy(HttpTestClient api) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            try {
                if (api.get("/healthz").status() == 200) {
                    return;
                }
            } catch (RuntimeException notYet) {
                if (System.nanoTime() > deadline) {
                    throw notYet;
                }
            }
            Thread.sleep(200);
        }
    }

    private static JsonNode awaitEnd(HttpTestClient api, String jobId) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(30);
        while (System.nanoTime() < deadline) {
            JsonNode job = api.get("/api/jobs/" + jobId).json();
            if (List.of("completed", "failed", "cancelled").contains(job.path("status").asText())) {
                return job;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("job " + jobId + " did not end");
    }

    /**
     * From the step's last line ("generated", stamped when the worker read it) to the worker's
     * "uploaded" line: the scan, the sniffing and the upload, which ends once the server stored
     * the file and recorded it.
     */
    private static double uploadSeconds(HttpTestClient api, String jobId) throws IOException {
        Instant generated = null;
        Instant uploaded = null;
        for (String line : api.get("/api/jobs/" + jobId + "/logs").json().path("logs").asText().lines().toList()) {
            JsonNode l = JSON.readTree(line);
            if (l.path("line").asText().equals("generated")) {
                generated = Instant.parse(l.path("ts").asText());
            } else if (l.path("line").asText().startsWith("[worker] uploaded")) {
                uploaded = Instant.parse(l.path("ts").asText());
            }
        }
        if (generated == null || uploaded == null) {
            throw new IllegalStateException("the step's log lacks its 'generated' or 'uploaded' line");
        }
        return Duration.between(generated, uploaded).toMillis() / 1000.0;
    }

    private static long download(HttpTestClient api, String path, Path into) throws IOException {
        var response = api.getStream(path);
        if (response.statusCode() != 200) {
            throw new IllegalStateException(path + " answered " + response.statusCode());
        }
        try (InputStream in = response.body()) {
            return Files.copy(in, into);
        }
    }

    private static double timed(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
        var builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.INHERIT);
        builder.environment().putAll(env);
        long start = System.nanoTime();
        int exit = builder.start().waitFor();
        double seconds = (System.nanoTime() - start) / 1e9;
        if (exit != 0) {
            throw new IllegalStateException(command + " exited with " + exit);
        }
        return seconds;
    }

    private static String awsCli() {
        for (String candidate : new String[] {"/usr/bin/aws", "/usr/local/bin/aws"}) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        return null;
    }

    private static String row(String what, long bytes, double seconds) {
        return String.format(Locale.ROOT, "%-50s %7.1fs  %7.1f MiB/s", what, seconds, bytes / seconds / (1 << 20));
    }

    /** The most heap the JVM held before and after any collection, from its {@code -Xlog:gc} file. */
    private static String heap(Path gcLog) throws IOException {
        long before = 0;
        long after = 0;
        long committed = 0;
        int collections = 0;
        for (String line : Files.readAllLines(gcLog)) {
            Matcher m = GC_HEAP.matcher(line);
            if (m.find()) {
                collections++;
                before = Math.max(before, Long.parseLong(m.group(1)));
                after = Math.max(after, Long.parseLong(m.group(2)));
                committed = Math.max(committed, Long.parseLong(m.group(3)));
            }
        }
        return String.format(Locale.ROOT, "heap at most %d MiB before a GC, %d MiB after (committed %d MiB, %d GCs)",
                before, after, committed, collections);
    }

    private static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** VmHWM of a Linux process, in MiB (-1 where /proc is not there). */
    private static long peakRssMiB(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }
}
