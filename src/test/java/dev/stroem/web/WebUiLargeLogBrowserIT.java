package dev.stroem.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * A 200,000-line log in the viewer: every line is loaded, only the visible ones are in the DOM,
 * and the start, the end and a search hit in the middle can all be reached. (How fast a
 * 1,000,000-line log loads is measured in bench/, "Web UI" in BENCHMARKS.md.)
 */
class WebUiLargeLogBrowserIT {
    private static final int LINES = 200_000;
    private static final int BATCH = 10_000;

    @TempDir
    static Path dir;

    private static TestServer server;
    private static Browser browser;

    @BeforeAll
    static void start() throws IOException {
        browser = Browser.start(Files.createDirectories(dir.resolve("downloads")));
        server = TestServer.in(dir, "sqlite:" + dir.resolve("stroem.db")).start();
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

    private static String bigJobId;

    @Test
    void rendersOnlyTheVisibleLinesOfAHugeLogAndReachesAnyOfThem() {
        String jobId = bigJob();
        browser.open(server.url() + "/jobs/" + jobId);

        browser.await().atMost(java.time.Duration.ofSeconds(90)).ignoreExceptions().until(() ->
                "ended".equals(viewer().getAttribute("data-state")));
        assertThat(viewer().getAttribute("data-lines")).isEqualTo(String.valueOf(LINES + 1));
        assertThat(lines()).as("rows in the DOM").hasSizeBetween(10, 100);
        assertThat(lines().get(lines().size() - 1).getText()).contains("the end");

        // Home starts an animated scroll over a million rows; on a loaded machine the first key press
        // can land while the viewer is still settling, so a user would press it again: so does the test.
        browser.find("log-scroller").sendKeys(Keys.HOME);
        browser.await().atMost(java.time.Duration.ofSeconds(90)).pollInterval(java.time.Duration.ofSeconds(2))
                .ignoreExceptions().until(() -> {
            if ("0".equals(lines().get(0).getAttribute("data-pos"))) {
                return true;
            }
            browser.find("log-scroller").sendKeys(Keys.HOME);
            return false;
        });
        assertThat(lines().get(0).getText()).contains("row 1 of " + LINES);

        browser.find("search-input").sendKeys("row 123456 of", Keys.ENTER);
        browser.await().atMost(java.time.Duration.ofSeconds(90)).ignoreExceptions()
                .until(() -> browser.find("search-count").getText().equals("1 / 1"));
        WebElement match = browser.find("search-current");
        assertThat(match.isDisplayed()).isTrue();
        assertThat(match.findElement(org.openqa.selenium.By.xpath("ancestor::*[@data-testid='log-line']"))
                .getAttribute("data-pos")).isEqualTo("123455");
        assertThat(lines()).as("rows in the DOM after jumping").hasSizeBetween(10, 100);
    }

    /**
     * A log longer than the page may hold (the cap shrunk to 20,000 lines for the test): the end
     * shows first, the page never holds more than the cap, Home loads line 1, and search runs on
     * the server and brings its hit into the page.
     */
    @Test
    void aLogLongerThanTheCapOpensAtItsEndAndMovesItsWindowForLineOneAndSearchHits() {
        String jobId = bigJob();
        browser.open(server.url() + "/");
        browser.js("localStorage.setItem('stroem.logCap', '20000')");
        try {
            browser.open(server.url() + "/jobs/" + jobId);
            browser.await().atMost(java.time.Duration.ofSeconds(90)).ignoreExceptions().until(() ->
                    "ended".equals(viewer().getAttribute("data-state")) && lines().get(lines().size() - 1).getText().contains("the end"));
            assertThat(viewer().getAttribute("data-lines")).isEqualTo(String.valueOf(LINES + 1));
            assertThat(Long.parseLong(viewer().getAttribute("data-window-start"))).as("only the end is loaded").isGreaterThan(0);
            assertThat(Long.parseLong(viewer().getAttribute("data-loaded"))).isLessThanOrEqualTo(20_000);
            browser.screenshot("log-huge-end-first");

            browser.find("log-scroller").sendKeys(Keys.HOME);
            browser.await().atMost(java.time.Duration.ofSeconds(60)).ignoreExceptions()
                    .until(() -> "0".equals(lines().get(0).getAttribute("data-pos")));
            assertThat(lines().get(0).getText()).contains("row 1 of " + LINES);
            assertThat(Long.parseLong(viewer().getAttribute("data-loaded"))).isLessThanOrEqualTo(20_000);

            browser.find("search-input").sendKeys("row 123456 of", Keys.ENTER);
            browser.await().atMost(java.time.Duration.ofSeconds(60)).ignoreExceptions()
                    .until(() -> browser.find("search-count").getText().equals("1 / 1")
                            && "123455".equals(browser.css("[data-testid='log-line'][data-hit='current']").getAttribute("data-pos")));
            assertThat(browser.css("[data-hit='current']").isDisplayed()).isTrue();
            assertThat(Long.parseLong(viewer().getAttribute("data-loaded"))).isLessThanOrEqualTo(20_000);

            // Back to the live end: the last line again.
            browser.find("jump-to-live").click();
            browser.await().atMost(java.time.Duration.ofSeconds(60)).ignoreExceptions()
                    .until(() -> lines().get(lines().size() - 1).getText().contains("the end"));
        } finally {
            browser.js("localStorage.removeItem('stroem.logCap')");
        }
    }

    private static synchronized String bigJob() {
        if (bigJobId == null) {
            bigJobId = jobWithManyLines();
        }
        return bigJobId;
    }

    private static WebElement viewer() {
        return browser.find("log-viewer");
    }

    private static List<WebElement> lines() {
        return browser.cssAll("[data-testid='log-line']");
    }

    private static String jobWithManyLines() {
        var api = server.api();
        var answer = api.post("/api/workspaces/default/tasks/hello-world/execute", Map.of("input", Map.of()));
        assertThat(answer.status()).as("%s", answer).isEqualTo(200);
        String jobId = answer.json().path("job_id").asText();
        var worker = server.worker();
        String workerId = worker.register("bulk");
        worker.claimAndStart(workerId, jobId, "say-hello");
        for (int from = 1; from <= LINES; from += BATCH) {
            var batch = new ArrayList<Map<String, Object>>();
            for (int i = from; i < from + BATCH; i++) {
                batch.add(Map.of("ts", "2025-02-12T10:56:45.123Z", "stream", i % 10 == 0 ? "stderr" : "stdout",
                        "line", "row " + i + " of " + LINES + " \u001b[32mgreen\u001b[0m padding to look like real output"));
            }
            var pushed = worker.logs(jobId, "say-hello", "batch-" + from, batch);
            assertThat(pushed.status()).as("%s", pushed).isEqualTo(200);
        }
        worker.stdout(jobId, "say-hello", "OUTPUT: {\"greeting\": \"the end\"}");
        assertThat(worker.complete(jobId, "say-hello", 0, null).status()).isEqualTo(200);
        worker.run(workerId, jobId, "shout-it");
        return jobId;
    }
}
