package dev.stroem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stroem.web.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code stroem artifacts list|download} and {@code stroem state upload|upload-global} against a real
 * server keeping artifacts and state in its local archive.
 */
class StorageCliIT {
    @TempDir
    static Path dir;

    private static TestServer server;

    record Run(int exit, String out, String err) {}

    @BeforeAll
    static void start() {
        server = TestServer.in(dir, "sqlite:" + dir.resolve("stroem.db")).localArchive(dir.resolve("archive")).start();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static Run stroem(String... args) {
        var out = new StringWriter();
        var err = new StringWriter();
        var cli = StroemCommand.commandLine(Map.of("STROEM_URL", server.url()));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void listAndDownloadAJobsArtifacts() throws Exception {
        var executed = server.api().post("/api/workspaces/default/tasks/hello-world/execute", Map.of("input", Map.of()));
        String jobId = executed.json().path("job_id").asText();
        var http = server.worker().http();
        var upload = http.send(http.request("/worker/jobs/" + jobId + "/steps/say-hello/artifacts/reports/q1.html")
                .header("Content-Type", "text/html").POST(HttpRequest.BodyPublishers.ofString("<h1>q1</h1>")).build());
        assertThat(upload.status()).as("%s", upload).isEqualTo(201);

        Run list = stroem("artifacts", "list", jobId);
        assertThat(list.exit()).as(list.err()).isZero();
        assertThat(list.out()).contains("NAME").containsPattern("reports/q1\\.html +11 +text/html +say-hello");

        Path into = Files.createDirectories(dir.resolve("downloads"));
        Run download = stroem("artifacts", "download", jobId, "reports/q1.html", "-o", into.toString());
        assertThat(download.exit()).as(download.err()).isZero();
        assertThat(into.resolve("q1.html")).hasContent("<h1>q1</h1>");
        Run named = stroem("artifacts", "download", jobId, "reports/q1.html", "-o", into.resolve("copy.html").toString());
        assertThat(named.exit()).isZero();
        assertThat(into.resolve("copy.html")).hasContent("<h1>q1</h1>");

        Run missing = stroem("artifacts", "download", jobId, "nope.txt", "-o", into.toString());
        assertThat(missing.exit()).isEqualTo(ExitCodes.ERROR);
        assertThat(missing.err()).contains("nope.txt");
        assertThat(into.resolve("nope.txt")).doesNotExist();
        try (var files = Files.list(into)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("q1.html", "copy.html");
        }
    }

    @Test
    void stateUploadsAsTheOriginalsCliSendsThem() throws Exception {
        Path certs = Files.createDirectories(dir.resolve("certs"));
        Files.writeString(certs.resolve("fullchain.pem"), "CERT");
        Run upload = stroem("state", "upload", "--workspace", "default", "--task", "hello-world", "--state",
                "domain=example.com", "--state", "expiry=2026-07-21", certs.resolve("fullchain.pem").toString());
        assertThat(upload.exit()).as(upload.err()).isZero();
        assertThat(upload.out()).startsWith("Uploaded snapshot ");
        var latest = server.worker().http().send(server.worker().http().request("/worker/state/default/tasks/hello-world")
                .GET().build());
        assertThat(latest.status()).isEqualTo(200);
        assertThat(latest.header("X-Stroem-State").orElseThrow()).contains("\"domain\":\"example.com\"");

        Run merge = stroem("state", "upload", "-w", "default", "-t", "hello-world", "--mode", "merge", "--state",
                "expiry=2027-07-21");
        assertThat(merge.exit()).as(merge.err()).isZero();
        Run global = stroem("state", "upload-global", "--workspace", "default", "--state", "region=eu");
        assertThat(global.exit()).as(global.err()).isZero();
        var jobs = server.api().get("/api/jobs?source_type=upload").json();
        assertThat(jobs.path("total").asLong()).isEqualTo(3);

        Run unknown = stroem("state", "upload", "--task", "no-such-task", "--state", "a=b");
        assertThat(unknown.exit()).isEqualTo(ExitCodes.ERROR);
        assertThat(unknown.err()).contains("no-such-task");
        Run badMode = stroem("state", "upload", "--task", "hello-world", "--mode", "sideways");
        assertThat(badMode.exit()).isEqualTo(ExitCodes.ERROR);
        assertThat(badMode.err()).contains("--mode");
    }
}
