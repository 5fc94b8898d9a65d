package dev.stroem.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stroem.app.DevApp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The pages around the log viewer in headless Chromium against {@code stroem dev}: the job page's
 * workflow graph, step tabs, job output and re-run. A step that waits for a file the test creates
 * keeps a job running exactly as long as the test needs it to, without timing anything.
 */
class WebUiWorkflowBrowserIT {
    @TempDir
    static Path dir;

    private static DevApp app;
    private static Browser browser;
    private static HttpTestClient api;
    private static String base;
    private static Path gates;

    @BeforeAll
    static void start() throws IOException {
        browser = Browser.start(Files.createDirectories(dir.resolve("downloads")));
        gates = Files.createDirectories(dir.resolve("gates"));
        Path workspace = Files.createDirectories(dir.resolve("workspace/.workflows"));
        Files.writeString(workspace.resolve("ui.yaml"), """
                tasks:
                  gated:
                    description: Prepares, then waits for its gate file
                    input:
                      label: { type: string, default: first }
                    flow:
                      prepare:
                        type: script
                        script: |
                          echo "preparing"
                          echo 'OUTPUT: {"version": "1.0.0"}'
                      wait:
                        depends_on: [prepare]
                        type: script
                        input:
                          version: "{{ prepare.output.version }}"
                          label: "{{ input.label }}"
                        script: |
                          while [ ! -f "%s/{{ input.label }}" ]; do sleep 0.1; done
                          echo "released {{ input.label }}"
                          echo 'OUTPUT: {"released": "{{ input.label }}", "version": "{{ input.version }}"}'
                """.formatted(gates));
        app = DevApp.start(new DevApp.Settings(dir.resolve("data"), dir.resolve("workspace"), 0));
        base = "http://127.0.0.1:" + app.port();
        api = new HttpTestClient(base, null);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (app != null) {
            app.close();
        }
    }

    @BeforeEach
    void laptopScreen() {
        browser.windowSize(1366, 900);
    }

    @Test
    void jobPageGraphFollowsStepStatesAndSelectsStepsForTheirLogInputAndOutput() throws IOException {
        String jobId = execute("gated", Map.of("label", "alpha"));
        browser.open(base + "/jobs/" + jobId);

        browser.until(() -> "running".equals(node("wait").getAttribute("data-status")));
        assertThat(browser.findAll("graph-node")).extracting(e -> e.getAttribute("data-step")).containsExactly("prepare", "wait");
        assertThat(node("prepare").getAttribute("data-status")).isEqualTo("completed");
        assertThat(node("wait").getText()).contains("wait").contains("running");
        assertThat(browser.find("job-output-card").isDisplayed()).as("no output card while running").isFalse();
        browser.screenshot("job-graph-running");

        Files.writeString(gates.resolve("alpha"), "");
        browser.until(() -> "completed".equals(node("wait").getAttribute("data-status")));
        browser.until(() -> "completed".equals(browser.find("job-status").getAttribute("data-status")));

        // The job's output is its last step's.
        browser.until(() -> browser.find("job-output-card").isDisplayed());
        assertThat(kv("job-output")).containsEntry("released", "alpha").containsEntry("version", "1.0.0");

        // Selecting a node: the log shows that step only, the tabs its resolved input and parsed output.
        node("wait").click();
        assertThat(node("wait").getAttribute("aria-pressed")).isEqualTo("true");
        assertThat(browser.find("step-panel-title").getText()).isEqualTo("Step wait");
        browser.until(() -> browser.find("log-viewer").getText().contains("released alpha"));
        assertThat(browser.find("log-viewer").getText()).doesNotContain("preparing");
        assertThat(browser.css("[data-testid='step-row'][data-step='wait']").getAttribute("class")).contains("selected");

        browser.find("tab-input").click();
        assertThat(browser.find("tabpanel-logs").isDisplayed()).isFalse();
        assertThat(kv("step-input")).containsEntry("version", "1.0.0").containsEntry("label", "alpha");
        browser.find("tab-output").click();
        assertThat(kv("step-output")).containsEntry("released", "alpha");
        node("prepare").click();
        browser.until(() -> kv("step-output").equals(Map.of("version", "1.0.0")));
        browser.screenshot("job-graph-output-tab");
        browser.find("tab-logs").click();

        // Re-run: the dialog starts from this job's input; the new job links back to this one.
        browser.find("rerun-button").click();
        browser.until(() -> browser.find("input-label").isDisplayed());
        assertThat(browser.find("input-label").getAttribute("value")).isEqualTo("alpha");
        browser.find("run-submit").click();
        browser.until(() -> !browser.currentPath().equals("/jobs/" + jobId) && browser.currentPath().startsWith("/jobs/"));
        String rerunId = browser.currentPath().substring("/jobs/".length());
        browser.until(() -> browser.find("rerun-of").isDisplayed());
        assertThat(browser.find("rerun-of").getAttribute("href")).endsWith("/jobs/" + jobId);
        assertThat(api.get("/api/jobs/" + rerunId).json().path("source_job_id").asText()).isEqualTo(jobId);
        assertThat(api.get("/api/jobs/" + rerunId).json().path("input").path("label").asText()).isEqualTo("alpha");
    }

    // --- helpers -------------------------------------------------------------------------

    private static String execute(String task, Map<String, Object> input) {
        var answer = api.post("/api/workspaces/default/tasks/" + task + "/execute", Map.of("input", input));
        assertThat(answer.status()).as("%s", answer).isEqualTo(200);
        return answer.json().path("job_id").asText();
    }

    private static WebElement node(String step) {
        return browser.css("[data-testid='graph-node'][data-step='" + step + "']");
    }

    /** A key/value table as the user reads it: key text to value text. */
    private static Map<String, String> kv(String testid) {
        var table = browser.find(testid);
        var result = new java.util.LinkedHashMap<String, String>();
        for (WebElement row : table.findElements(By.cssSelector("tr"))) {
            result.put(row.findElement(By.tagName("th")).getText(), row.findElement(By.tagName("td")).getText());
        }
        return result;
    }
}
