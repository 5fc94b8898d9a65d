package dev.stroem.bench;

import dev.stroem.web.HttpTestClient;
import dev.stroem.web.TestServer;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Downloads a 2 GiB job log through {@code GET /api/jobs/{id}/logs/raw} from a server running as
 * a child process with a 64 MiB heap, and reports throughput and the child's peak resident memory.
 * Run with {@code bench/run-raw-download.sh [--gib 2] [--xmx 64m]}.
 */
public final class RawDownloadBenchmark {

    public static void main(String[] args) throws Exception {
        double gib = 2;
        String xmx = "64m";
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--gib" -> gib = Double.parseDouble(args[i + 1]);
                case "--xmx" -> xmx = args[i + 1];
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Path dir = Files.createTempDirectory("stroem-raw-bench");
        Process server = null;
        try {
            int port;
            try (var socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            Path config = TestServer.in(dir, "sqlite:" + dir.resolve("stroem.db")).listen("127.0.0.1:" + port).write();
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            server = new ProcessBuilder(java, "-Xmx" + xmx, "-XX:+ExitOnOutOfMemoryError", "-cp",
                    System.getProperty("java.class.path"), "dev.stroem.cli.StroemCommand", "server", "--config", config.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("server.out").toFile())
                    .start();
            var api = new HttpTestClient("http://127.0.0.1:" + port, null);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (true) {
                try {
                    if (api.get("/healthz").status() == 200) {
                        break;
                    }
                } catch (RuntimeException notYet) {
                    if (System.nanoTime() > deadline) {
                        throw notYet;
                    }
                }
                Thread.sleep(200);
            }
            String jobId = api.post("/api/workspaces/default/tasks/needs-token/execute", Map.of("input", Map.of("token", "t")))
                    .json().path("job_id").asText();
            long target = (long) (gib * (1L << 30));
            long written = writeLog(dir.resolve("logs").resolve(jobId + ".jsonl"), target);
            System.out.printf(Locale.ROOT, "Raw download benchmark: %,d bytes of JSONL, server heap -Xmx%s, %d cores, Java %s%n",
                    written, xmx, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
            for (String path : new String[] {"/logs/raw", "/logs?full=true", "/logs/raw?stream=stderr"}) {
                long start = System.nanoTime();
                long bytes = download(api, "/api/jobs/" + jobId + path);
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf(Locale.ROOT, "%-28s %,15d bytes sent in %6.1fs, log read at %7.1f MiB/s, server peak RSS %,d MiB%n",
                        path, bytes, seconds, written / seconds / (1 << 20), peakRssMiB(server.pid()));
            }
            if (!server.isAlive()) {
                throw new IllegalStateException("the server died: " + Files.readString(dir.resolve("server.out")));
            }
        } finally {
            if (server != null) {
                server.destroy();
                server.waitFor(30, TimeUnit.SECONDS);
            }
            try (var files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    private static long writeLog(Path file, long target) throws IOException {
        long bytes = 0;
        long n = 0;
        String padding = "x".repeat(150);
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            while (bytes < target) {
                n++;
                byte[] line = ("{\"ts\":\"2025-02-12T10:56:45.123Z\",\"stream\":\"" + (n % 1000 == 0 ? "stderr" : "stdout")
                        + "\",\"step\":\"only\",\"line\":\"line " + n + " " + padding + "\"}\n").getBytes(StandardCharsets.UTF_8);
                out.write(line);
                bytes += line.length;
            }
        }
        return bytes;
    }

    private static long download(HttpTestClient api, String path) throws IOException {
        var response = api.getStream(path);
        if (response.statusCode() != 200) {
            throw new IllegalStateException(path + " answered " + response.statusCode());
        }
        long bytes = 0;
        byte[] buf = new byte[1 << 16];
        try (InputStream in = response.body()) {
            int n;
            while ((n = in.read(buf)) > 0) {
                bytes += n;
            }
        }
        return bytes;
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
