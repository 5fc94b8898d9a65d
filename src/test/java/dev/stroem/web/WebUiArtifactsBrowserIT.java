package dev.stroem.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The job page's Artifacts section: the files a finished job's steps produced, each a download link. */
class WebUiArtifactsBrowserIT {
    @TempDir
    static Path dir;

    private static TestServer server;
    private static Browser browser;
    private static Path downloads;

    @BeforeAll
    static void start() throws IOException {
        downloads = Files.createDirectories(dir.resolve("downloads"));
        browser = Browser.start(downloads);
        server = TestServer.in(dir, "sqlite:" + dir.resolve("stroem.db")).localArchive(dir.resolve("archive")).start();
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aFinishedJobListsItsArtifactsAndOneDownloads() {
        var executed = server.api().post("/api/workspaces/default/tasks/hello-world/execute", Map.of("input", Map.of()));
        String jobId = executed.json().path("job_id").asText();
        var worker = server.worker();
        String workerId = worker.register("ui-worker");
        worker.run(workerId, jobId, "say-hello", "Hello", "OUTPUT: {\"greeting\": \"Hello\"}");
        worker.run(workerId, jobId, "shout-it", "HELLO");
        var http = worker.http();
        var upload = http.send(http.request("/worker/jobs/" + jobId + "/steps/say-hello/artifacts/reports/summary.txt")
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("all green")).build());
        assertThat(upload.status()).as("%s", upload).isEqualTo(201);

        browser.open(server.url() + "/jobs/" + jobId);
        browser.until(() -> browser.find("job-artifacts").isDisplayed());
        var link = browser.find("artifact-reports/summary.txt");
        assertThat(link.getText()).isEqualTo("reports/summary.txt");
        assertThat(link.getAttribute("href")).endsWith("/api/jobs/" + jobId + "/artifacts/reports/summary.txt");
        assertThat(browser.find("job-artifacts").getText()).contains("9 B").contains("say-hello");

        link.click();
        browser.until(() -> Files.exists(downloads.resolve("summary.txt"))
                && "all green".equals(Files.readString(downloads.resolve("summary.txt"))));
    }
}
