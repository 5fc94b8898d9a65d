package dev.stroem.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Keys;

/**
 * The web UI against a server with API tokens: it asks for a token once, keeps it for the tab,
 * and uses it for the API, the live log WebSocket and a real raw-log download.
 */
class WebUiAuthBrowserIT {
    private static final String TOKEN = "ui-secret-token";

    @TempDir
    static Path dir;

    private static TestServer server;
    private static Browser browser;
    private static HttpTestClient api;

    @BeforeAll
    static void start() throws IOException {
        browser = Browser.start(Files.createDirectories(dir.resolve("downloads")));
        server = TestServer.in(dir, "sqlite:" + dir.resolve("stroem.db")).apiTokens(TOKEN).start();
        api = new HttpTestClient(server.url(), TOKEN);
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
    void asksForTheTokenOnceThenUsesItForPagesLiveLogsAndDownloads() throws IOException {
        String jobId = finishedHelloWorld();

        browser.open(server.url() + "/tasks");
        browser.until(() -> browser.find("token-dialog").isDisplayed());
        browser.find("token-input").sendKeys("not-the-token", Keys.ENTER);
        browser.until(() -> browser.find("token-error").isDisplayed());
        assertThat(browser.find("token-error").getText()).contains("rejected");
        browser.find("token-input").sendKeys(TOKEN, Keys.ENTER);
        browser.until(() -> !browser.cssAll("[data-testid='run-button'][data-task='hello-world']").isEmpty());

        // A new page load in the same tab: no second question, and the WebSocket carries the token.
        browser.open(server.url() + "/jobs/" + jobId);
        browser.until(() -> "ended".equals(browser.find("log-viewer").getAttribute("data-state")));
        assertThat(browser.findAll("token-dialog")).isEmpty();
        assertThat(browser.find("log-viewer").getAttribute("data-lines")).isEqualTo("3");
        assertThat(browser.find("log-viewer").getText()).contains("Hello UI").contains("HELLO UI");

        browser.find("download-raw").click();
        // Named as the server names it (Content-Disposition), which a browser prefers anyway.
        Path file = browser.downloads().resolve(jobId + ".jsonl");
        browser.until(() -> Files.exists(file) && !Files.exists(Path.of(file + ".crdownload")));
        String expected = api.get("/api/jobs/" + jobId + "/logs/raw").body();
        assertThat(Files.readString(file)).isEqualTo(expected).contains("Hello UI");
    }

    /** A hello-world job run by hand through the worker API, so its log is known exactly. */
    private static String finishedHelloWorld() {
        var answer = api.post("/api/workspaces/default/tasks/hello-world/execute", Map.of("input", Map.of("name", "UI")));
        assertThat(answer.status()).as("%s", answer).isEqualTo(200);
        String jobId = answer.json().path("job_id").asText();
        var worker = server.worker();
        String workerId = worker.register("ui-worker");
        worker.run(workerId, jobId, "say-hello", "Hello UI", "OUTPUT: {\"greeting\": \"Hello UI\"}");
        worker.run(workerId, jobId, "shout-it", "HELLO UI");
        var job = api.get("/api/jobs/" + jobId).json();
        assertThat(job.path("status").asText()).as("%s", job).isEqualTo("completed");
        return jobId;
    }
}
