package dev.stroem.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A log far larger than the server's heap downloads whole: the server runs as a child process
 * ({@code target/stroem.jar}) with {@code -Xmx64m} and serves a 256 MiB log through
 * {@code /logs/raw}, {@code /logs?full=true} and a filtered raw read. Buffering the log would
 * end in an OutOfMemoryError and a cut-off download.
 */
class RawDownloadMemoryIT {
    private static final long LOG_BYTES = 256L << 20;
    private static final int STDERR_EVERY = 1000;

    @TempDir
    Path dir;

    private Process server;

    @AfterEach
    void stop() throws InterruptedException {
        if (server != null) {
            server.destroy();
            if (!server.waitFor(30, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }

    @Test
    void aLogOfHundredsOfMegabytesStreamsFromASixtyFourMegabyteHeap() throws Exception {
        int port;
        try (var socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path config = TestServer.in(dir, "sqlite:" + dir.resolve("stroem.db")).listen("127.0.0.1:" + port).write();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path output = dir.resolve("server.out");
        server = new ProcessBuilder(java, "-Xmx64m", "-XX:+ExitOnOutOfMemoryError", "-jar",
                System.getProperty("stroem.jar", "target/stroem.jar"), "server", "--config", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        var api = new HttpTestClient("http://127.0.0.1:" + port, null);
        Awaitility.await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .until(() -> api.get("/healthz").status() == 200);
        String jobId = api.post("/api/workspaces/default/tasks/needs-token/execute", Map.of("input", Map.of("token", "t")))
                .json().path("job_id").asText();
        // The log as the engine leaves it on disk (pushing 256 MiB over HTTP would only make the test slow).
        long[] written = writeLog(dir.resolve("logs").resolve(jobId + ".jsonl"));

        long[] raw = count(api, "/api/jobs/" + jobId + "/logs/raw");
        long[] full = count(api, "/api/jobs/" + jobId + "/logs?full=true");
        long[] stderr = count(api, "/api/jobs/" + jobId + "/logs/raw?stream=stderr");
        var tail = api.get("/api/jobs/" + jobId + "/logs").json();

        String log = Files.readString(output);
        assertThat(server.isAlive()).as(log).isTrue();
        assertThat(log).doesNotContain("OutOfMemoryError");
        assertThat(raw).as("bytes and lines of the raw download").containsExactly(written[0], written[1]);
        assertThat(full).as("bytes and lines of full=true").containsExactly(written[0], written[1]);
        assertThat(stderr[1]).isEqualTo(written[1] / STDERR_EVERY);
        assertThat(tail.path("truncated").asBoolean()).isTrue();
        assertThat(tail.path("total_bytes").asLong()).isEqualTo(written[0]);
    }

    /** Writes at least {@link #LOG_BYTES} of JSONL; returns bytes and lines. */
    private static long[] writeLog(Path file) throws IOException {
        long bytes = 0;
        long lines = 0;
        String padding = "x".repeat(150);
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            while (bytes < LOG_BYTES) {
                lines++;
                String stream = lines % STDERR_EVERY == 0 ? "stderr" : "stdout";
                byte[] line = ("{\"ts\":\"2025-02-12T10:56:45.123Z\",\"stream\":\"" + stream
                        + "\",\"step\":\"only\",\"line\":\"line " + lines + " " + padding + "\"}\n")
                        .getBytes(StandardCharsets.UTF_8);
                out.write(line);
                bytes += line.length;
            }
        }
        return new long[] {bytes, lines};
    }

    /** Downloads {@code path} as a stream; returns bytes and newlines received. */
    private static long[] count(HttpTestClient api, String path) throws IOException {
        var response = api.getStream(path);
        assertThat(response.statusCode()).isEqualTo(200);
        long bytes = 0;
        long lines = 0;
        byte[] buf = new byte[1 << 16];
        try (InputStream in = response.body()) {
            int n;
            while ((n = in.read(buf)) > 0) {
                bytes += n;
                for (int i = 0; i < n; i++) {
                    if (buf[i] == '\n') {
                        lines++;
                    }
                }
            }
        }
        return new long[] {bytes, lines};
    }
}
