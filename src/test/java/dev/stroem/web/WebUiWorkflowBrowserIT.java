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
                  shapes:
                    folder: ops
                    description: Takes every kind of input
                    input:
                      who: { type: string, required: true, description: Who asks }
                      notes: { type: text }
                      count: { type: integer, default: 3 }
                      ratio: { type: number }
                      dry: { type: boolean, default: true }
                      day: { type: date }
                      env: { type: string, options: [dev, prod], default: dev }
                      region: { type: string, options: [eu, us], allow_custom: true }
                      targets: { type: string, options: [a, b, c], multiple: true, allow_custom: true, default: [a] }
                      token: { type: string, secret: true }
                    flow:
                      show:
                        type: script
                        input:
                          who: "{{ input.who }}"
                        script: echo "who={{ input.who }}"
                  quick:
                    flow:
                      only:
                        type: script
                        script: echo quick
                  fails:
                    flow:
                      boom:
                        type: script
                        script: |
                          echo "going down" >&2
                          exit 4
                  fan-out:
                    flow:
                      list:
                        type: script
                        script: |
                          echo 'OUTPUT: {"items": ["red", "green", "blue"]}'
                      paint:
                        depends_on: [list]
                        for_each: "{{ list.output.items }}"
                        type: script
                        input:
                          colour: "{{ each.item }}"
                          index: "{{ each.index }}"
                        script: |
                          echo "painting {{ input.colour }} as item {{ input.index }}"
                          echo "{{ input.colour }} dry" >&2
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
        browser.consoleErrors(); // start each test with an empty console
    }

    @org.junit.jupiter.api.AfterEach
    void noConsoleErrors() {
        assertThat(browser.consoleErrors()).as("errors in the page's console").isEmpty();
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
        // Keyboard: Enter on a graph node selects it; arrow keys move between the tabs.
        node("prepare").sendKeys(org.openqa.selenium.Keys.ENTER);
        browser.until(() -> kv("step-output").equals(Map.of("version", "1.0.0")));
        browser.find("tab-output").sendKeys(org.openqa.selenium.Keys.ARROW_LEFT);
        browser.until(() -> "true".equals(browser.find("tab-input").getAttribute("aria-selected"))
                && "tab-input".equals(browser.js("return document.activeElement.dataset.testid")));
        browser.find("tab-input").sendKeys(org.openqa.selenium.Keys.ARROW_RIGHT);
        browser.screenshot("job-graph-output-tab");
        assertThat(browser.seriousAccessibilityViolations()).as("axe-core, serious and critical").isEmpty();
        browser.find("tab-logs").click();

        // A 1024 px window: nothing makes the page scroll sideways.
        browser.windowSize(1024, 768);
        browser.until(() -> (Long) browser.js("return document.documentElement.scrollWidth")
                <= (Long) browser.js("return document.documentElement.clientWidth"));
        browser.screenshot("job-1024");
        browser.windowSize(1366, 900);

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

    /**
     * A for_each step is one node ("3/3 items"); its iterations' lines keep their own step names
     * ({@code paint[0]}…) in the log, so selecting the loop shows every iteration's lines, each
     * attributable, and the step filter narrows to one iteration.
     */
    @Test
    void aLoopsIterationsLinesAreEachAttributedToTheirIteration() {
        String jobId = execute("fan-out", Map.of());
        awaitTerminal(jobId);
        browser.open(base + "/jobs/" + jobId);
        browser.until(() -> "completed".equals(browser.find("job-status").getAttribute("data-status")));
        assertThat(browser.findAll("graph-node")).extracting(e -> e.getAttribute("data-step")).containsExactly("list", "paint");
        browser.until(() -> node("paint").getText().contains("3/3 items"));

        node("paint").click();
        browser.until(() -> browser.cssAll("[data-testid='log-line']").size() == 6);
        var byIteration = new java.util.TreeMap<String, java.util.List<String>>();
        for (WebElement line : browser.cssAll("[data-testid='log-line']")) {
            byIteration.computeIfAbsent(line.getAttribute("data-step"), k -> new java.util.ArrayList<>())
                    .add(line.findElement(Browser.byTestId("log-text")).getText());
            // The gutter names the iteration too, for a reader who filters nothing.
            assertThat(line.getText()).contains(line.getAttribute("data-step"));
        }
        // stdout and stderr of one iteration may interleave either way: compared sorted.
        byIteration.values().forEach(java.util.Collections::sort);
        assertThat(byIteration).containsExactly(
                Map.entry("paint[0]", java.util.List.of("painting red as item 0", "red dry")),
                Map.entry("paint[1]", java.util.List.of("green dry", "painting green as item 1")),
                Map.entry("paint[2]", java.util.List.of("blue dry", "painting blue as item 2")));
        browser.screenshot("loop-iterations");

        new org.openqa.selenium.support.ui.Select(browser.find("step-filter")).selectByValue("paint[1]");
        browser.until(() -> browser.cssAll("[data-testid='log-line']").size() == 2);
        assertThat(browser.cssAll("[data-testid='log-line']")).allSatisfy(l ->
                assertThat(l.getAttribute("data-step")).isEqualTo("paint[1]"));
    }

    @Test
    void dashboardCountsRunningProgressFailuresAndDurationTrendsThenJobsListSearch() throws IOException {
        String quick1 = execute("quick", Map.of());
        awaitTerminal(quick1);
        awaitTerminal(execute("quick", Map.of()));
        String failed = execute("fails", Map.of());
        awaitTerminal(failed);
        String running = execute("gated", Map.of("label", "dash"));

        browser.open(base + "/");
        browser.until(() -> browser.cssAll("[data-testid='running-job'][data-job-id='" + running + "']").size() == 1
                && runningJob(running).getText().contains("1 of 2 steps done"));
        assertThat(runningJob(running).getText()).contains("gated");
        browser.until(() -> browser.find("stat-failed").getText()
                .equals(api.get("/api/stats").json().path("failed").asText()));
        assertThat(Long.parseLong(browser.find("stat-running").getText())).isGreaterThanOrEqualTo(1);
        WebElement failure = browser.css("[data-testid='failed-job'][data-job-id='" + failed + "']");
        assertThat(failure.getText()).contains("fails").contains("Step 'boom' failed");
        browser.until(() -> Integer.parseInt(browser.css("[data-testid='task-trend'][data-task='quick'] [data-testid='sparkline']")
                .getAttribute("data-points")) >= 2);
        browser.screenshot("dashboard");
        assertThat(browser.seriousAccessibilityViolations()).as("axe-core, serious and critical").isEmpty();

        Files.writeString(gates.resolve("dash"), "");
        browser.until(() -> browser.cssAll("[data-testid='running-job'][data-job-id='" + running + "']").isEmpty());

        // Jobs list: the status card leads to the filtered list; free text narrows it to one job.
        browser.css("[data-testid='stat-card'][data-status='failed']").click();
        browser.until(() -> "/jobs".equals(browser.currentPath()) && jobRows().size() >= 1);
        assertThat(jobRows()).allSatisfy(r -> assertThat(r.getAttribute("data-status")).isEqualTo("failed"));
        browser.find("status-filter").sendKeys("All statuses");
        browser.find("jobs-search").sendKeys(quick1.substring(0, 13));
        browser.until(() -> jobRows().size() == 1 && quick1.equals(jobRows().get(0).getAttribute("data-job-id")));
        assertThat((String) browser.js("return location.search")).contains("q=" + quick1.substring(0, 8));
        new org.openqa.selenium.support.ui.Select(browser.find("workspace-filter")).selectByValue("default");
        browser.until(() -> ((String) browser.js("return location.search")).contains("workspace=default"));
        assertThat(jobRows()).hasSize(1);
        browser.screenshot("jobs-search");
        assertThat(browser.seriousAccessibilityViolations()).as("axe-core, serious and critical").isEmpty();
    }

    @Test
    void taskPageFormRunsTheTaskAndWorkersAndWorkspacesPagesShowTheFleet() {
        browser.open(base + "/tasks");
        browser.until(() -> browser.find("task-search").isDisplayed());
        browser.find("task-search").sendKeys("shapes");
        browser.until(() -> browser.css("[data-testid='folder-row'][data-folder='ops']").isDisplayed());
        browser.css("[data-testid='task-row'][data-task='shapes'] [data-testid='task-link']").click();
        browser.until(() -> "/tasks/default/shapes".equals(browser.currentPath()));

        browser.until(() -> browser.find("task-description").getText().equals("Takes every kind of input"));
        assertThat(browser.findAll("graph-node")).extracting(e -> e.getAttribute("data-step")).containsExactly("show");
        assertThat(browser.find("input-who").getAttribute("type")).isEqualTo("text");
        assertThat(browser.find("input-notes").getTagName()).isEqualTo("textarea");
        assertThat(browser.find("input-count").getAttribute("type")).isEqualTo("number");
        assertThat(browser.find("input-count").getAttribute("value")).isEqualTo("3");
        assertThat(browser.find("input-ratio").getAttribute("type")).isEqualTo("number");
        assertThat(browser.find("input-dry").isSelected()).isTrue();
        assertThat(browser.find("input-day").getAttribute("type")).isEqualTo("date");
        assertThat(new org.openqa.selenium.support.ui.Select(browser.find("input-env")).getFirstSelectedOption().getText()).isEqualTo("dev");
        assertThat(browser.find("input-region").getAttribute("list")).as("free text with suggestions").isNotBlank();
        assertThat(browser.findAll("input-targets-option")).extracting(e -> e.getAttribute("value")).containsExactly("a", "b", "c");
        assertThat(browser.find("input-token").getAttribute("type")).as("a secret input").isEqualTo("password");
        browser.screenshot("task-page");
        assertThat(browser.seriousAccessibilityViolations()).as("axe-core, serious and critical").isEmpty();

        // Keyboard: pick a further option, add a custom one, type the required field, Enter runs.
        browser.findAll("input-targets-option").get(2).sendKeys(" ");
        browser.find("input-targets-custom").sendKeys("zz", org.openqa.selenium.Keys.ENTER);
        browser.find("input-token").sendKeys("hunter2-secret");
        browser.find("input-who").sendKeys("keyboard", org.openqa.selenium.Keys.ENTER);
        browser.until(() -> browser.currentPath().startsWith("/jobs/"));
        String jobId = browser.currentPath().substring("/jobs/".length());
        var input = api.get("/api/jobs/" + jobId).json().path("input");
        assertThat(input.path("who").asText()).isEqualTo("keyboard");
        assertThat(input.path("targets").toString()).isEqualTo("[\"a\",\"c\",\"zz\"]");
        assertThat(input.path("count").asInt()).isEqualTo(3);
        assertThat(api.get("/api/jobs/" + jobId).body()).as("the secret input is masked in the job").doesNotContain("hunter2-secret");
        awaitTerminal(jobId);

        // Re-run of a job with a secret: every other value comes back, the secret never does.
        browser.open(base + "/jobs/" + jobId);
        browser.until(() -> browser.find("rerun-button").isDisplayed());
        browser.find("rerun-button").click();
        browser.until(() -> browser.find("input-who").isDisplayed());
        assertThat(browser.find("input-who").getAttribute("value")).isEqualTo("keyboard");
        assertThat(browser.find("input-token").getAttribute("type")).isEqualTo("password");
        assertThat(browser.find("input-token").getAttribute("value")).as("a secret is never echoed back").isEmpty();
        browser.switchToActive().sendKeys(org.openqa.selenium.Keys.ESCAPE);

        browser.open(base + "/tasks/default/shapes");
        browser.until(() -> browser.find("task-success-rate").getText().equals("100% (1 of 1)"));
        assertThat(browser.find("task-p50").getText()).isNotEqualTo("—");
        assertThat(browser.css("[data-testid='task-run'][data-job-id='" + jobId + "']").getAttribute("data-status")).isEqualTo("completed");

        // Workers: the embedded worker, its capabilities and the step it ran.
        browser.find("nav-workers").click();
        browser.until(() -> !browser.findAll("worker-row").isEmpty());
        browser.findAll("worker-row").get(0).findElement(By.cssSelector("a")).click();
        browser.until(() -> browser.currentPath().startsWith("/workers/") && browser.find("worker-meta").isDisplayed());
        assertThat(browser.find("worker-status").getText()).isEqualTo("active");
        assertThat(browser.find("worker-heartbeat").getText()).isNotEqualTo("—");
        browser.until(() -> !browser.cssAll("[data-testid='worker-step'][data-job-id='" + jobId + "'][data-step='show']").isEmpty());
        browser.screenshot("worker-page");
        assertThat(browser.seriousAccessibilityViolations()).as("axe-core, serious and critical").isEmpty();

        // Workspaces: counts, no errors, refresh on demand.
        browser.find("nav-workspaces").click();
        browser.until(() -> browser.css("[data-testid='workspace-card'][data-workspace='default']").isDisplayed());
        assertThat(browser.find("workspace-counts").getText()).contains("5 tasks");
        assertThat(browser.find("workspace-ok").isDisplayed()).isTrue();
        browser.find("workspace-refresh").click();
        browser.until(() -> browser.find("workspaces-status").getText().startsWith("Refreshed default"));
        browser.screenshot("workspaces-page");
        assertThat(browser.seriousAccessibilityViolations()).as("axe-core, serious and critical").isEmpty();
    }

    // --- helpers -------------------------------------------------------------------------

    private static String execute(String task, Map<String, Object> input) {
        var answer = api.post("/api/workspaces/default/tasks/" + task + "/execute", Map.of("input", input));
        assertThat(answer.status()).as("%s", answer).isEqualTo(200);
        return answer.json().path("job_id").asText();
    }

    private static void awaitTerminal(String jobId) {
        browser.await().atMost(java.time.Duration.ofSeconds(60)).until(() ->
                java.util.List.of("completed", "failed", "cancelled").contains(api.get("/api/jobs/" + jobId).json().path("status").asText()));
    }

    private static WebElement runningJob(String jobId) {
        return browser.css("[data-testid='running-job'][data-job-id='" + jobId + "']");
    }

    private static java.util.List<WebElement> jobRows() {
        return browser.findAll("job-row");
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
