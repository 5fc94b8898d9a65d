package dev.stroem.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stroem.app.DevApp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The web UI in headless Chromium against {@code stroem dev} (server and embedded worker in this
 * JVM) on a copy of the example workspace plus a few tasks made for these checks. Screenshots of
 * the job detail page go to {@code target/screenshots/}.
 */
class WebUiBrowserIT {
    @TempDir
    static Path dir;

    private static DevApp app;
    private static Browser browser;
    private static HttpTestClient api;
    private static String base;

    @BeforeAll
    static void start() throws IOException {
        browser = Browser.start(Files.createDirectories(dir.resolve("downloads")));
        Path workspace = dir.resolve("workspace");
        copy(Path.of("examples", "workspace"), workspace);
        Files.writeString(workspace.resolve(".workflows").resolve("ui-checks.yaml"), """
                tasks:
                  needs-target:
                    description: Has a required input without a default
                    input:
                      target: { type: string, required: true, description: Where to deploy }
                      replicas: { type: integer, default: 2 }
                    flow:
                      show:
                        type: script
                        script: echo "target=$TARGET replicas=$REPLICAS"
                        env:
                          TARGET: "{{ input.target }}"
                          REPLICAS: "{{ input.replicas }}"
                        input:
                          target: "{{ input.target }}"
                          replicas: "{{ input.replicas }}"
                  two-steps:
                    flow:
                      alpha:
                        type: script
                        script: |
                          for i in $(seq 1 500); do
                            if [ $((i % 10)) -eq 0 ]; then echo "alpha $i warn" >&2; else echo "alpha $i"; fi
                          done
                      beta:
                        type: script
                        depends_on: [alpha]
                        script: for i in $(seq 1 500); do echo "beta $i"; done
                  colours:
                    flow:
                      paint:
                        type: script
                        script: |
                          printf '\\033[31mred\\033[0m plain \\033[1;32mbold green\\033[0m\\n'
                          printf 'title\\033]0;window title\\007 cleared\\033[2K end\\n'
                """);
        app = DevApp.start(new DevApp.Settings(dir.resolve("data"), workspace, 0));
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
    void laptopLightScreen() {
        browser.windowSize(1366, 900);
        browser.colorScheme("light");
    }

    @Test
    void runDialogBuildsTheFormFromTheInputSchemaAndOpensTheNewJob() {
        browser.open(base + "/tasks");
        browser.until(() -> runButton("needs-target") != null);
        runButton("needs-target").click();

        browser.until(() -> browser.find("input-target").isDisplayed());
        WebElement target = browser.find("input-target");
        assertThat(browser.find("input-replicas").getAttribute("value")).as("default filled in").isEqualTo("2");
        assertThat(labelOf(target)).as("required marked").contains("*");

        // Submitting without the required field: an error on the field, no job.
        long jobsBefore = jobCount();
        browser.find("run-submit").click();
        assertThat(browser.find("input-error-target").getText()).isEqualTo("This field is required.");
        assertThat(jobCount()).isEqualTo(jobsBefore);

        // Keyboard only: type, then Enter submits the form.
        target.sendKeys("staging", Keys.ENTER);
        browser.until(() -> browser.currentPath().startsWith("/jobs/"));
        String jobId = browser.currentPath().substring("/jobs/".length());
        assertThat(api.get("/api/jobs/" + jobId).json().path("input").path("target").asText()).isEqualTo("staging");

        awaitJobStatus("completed");
        awaitLogText(text -> text.contains("target=staging replicas=2"));
        WebElement step = browser.css("[data-testid='step-row'][data-step='show']");
        assertThat(step.getAttribute("data-status")).isEqualTo("completed");
        assertThat(step.findElement(Browser.byTestId("step-exit")).getText()).isEqualTo("exit 0");
    }

    @Test
    void chattyLinesAppearLiveWhileTheJobRunsAndTheFinishedLogIsComplete() {
        String jobId = execute("chatty", Map.of());
        browser.open(base + "/jobs/" + jobId);

        // Live: some lines are on screen while the job is still running, and more keep coming.
        long[] seen = new long[1];
        browser.until(() -> {
            long lines = viewerLines();
            seen[0] = lines;
            return lines > 0 && lines < 300 && "running".equals(jobBadge());
        });
        browser.until(() -> viewerLines() > seen[0] && "running".equals(jobBadge()));
        // Auto-scroll: the bottom row on screen is the newest line (both read in one script, one frame).
        browser.until(() -> (Boolean) browser.js("""
                const v = document.querySelector('[data-testid=log-viewer]');
                const rows = v.querySelectorAll('[data-testid=log-line]');
                return rows.length > 0 && Number(rows[rows.length - 1].dataset.pos) === Number(v.dataset.lines) - 1;"""));
        browser.screenshot("job-running");

        // Scrolling up pauses following; "jump to live" resumes it.
        browser.find("log-scroller").sendKeys(Keys.HOME);
        browser.until(() -> "false".equals(viewer().getAttribute("data-following")));
        assertThat(browser.find("jump-to-live").isDisplayed()).isTrue();
        // Keyboard scrolling may be animated: wait for the top of the log to be on screen.
        browser.until(() -> "0".equals(visibleLines().get(0).getAttribute("data-pos")));
        browser.find("jump-to-live").click();
        browser.until(() -> "true".equals(viewer().getAttribute("data-following")));

        awaitJobStatus("completed");
        browser.until(() -> "ended".equals(viewer().getAttribute("data-state")));
        assertThat(viewerLines()).as("every line of the step, once").isEqualTo(300);
        assertThat(lastVisibleLineText()).isEqualTo("line 300 of 300");
        assertThat(browser.find("log-status").getText()).startsWith("Complete (completed)");

        // stderr lines are marked distinctly from stdout lines.
        WebElement stderr = browser.css("[data-testid='log-line'][data-stream='stderr']");
        assertThat(stderr.getAttribute("class")).contains("stderr");
        assertThat(stderr.getText()).contains("(stderr)");
        assertThat(stderr.findElement(org.openqa.selenium.By.cssSelector(".lstream")).getText()).isEqualTo("err");
        WebElement stdout = browser.css("[data-testid='log-line'][data-stream='stdout']");
        assertThat(stdout.getAttribute("class")).doesNotContain("stderr");
        assertThat(stdout.findElement(org.openqa.selenium.By.cssSelector(".lstream")).getText()).isEmpty();
        browser.screenshot("job-finished");

        browser.colorScheme("dark");
        assertThat(luminance("body")).as("dark theme follows the system").isLessThan(0.2);
        browser.screenshot("job-finished-dark");
        browser.colorScheme("light");
        assertThat(luminance("body")).as("light theme follows the system").isGreaterThan(0.8);
    }

    @Test
    void aFailingHookShowsUpInTheServerEventsPanelWhileThePageIsOpen() {
        String jobId = execute("broken-hook", Map.of());
        browser.open(base + "/jobs/" + jobId);

        browser.until(() -> !browser.findAll("server-event").isEmpty());
        WebElement event = browser.findAll("server-event").get(0);
        assertThat(event.getAttribute("data-source")).isEqualTo("hooks");
        assertThat(event.getText()).contains("[hooks]").contains("failing-hook").contains("failed");
        assertThat(event.findElement(org.openqa.selenium.By.tagName("time")).getText()).matches("\\d\\d:\\d\\d:\\d\\d.*");
        assertThat(browser.find("server-events-count").getText()).isEqualTo(String.valueOf(browser.findAll("server-event").size()));
        assertThat(browser.find("job-status").getAttribute("data-status")).as("a hook failure does not fail the job").isEqualTo("completed");
    }

    @Test
    void stepAndStreamFiltersAndSearchWithNextAndPrevious() {
        String jobId = execute("two-steps", Map.of());
        browser.open(base + "/jobs/" + jobId);
        awaitJobStatus("completed");
        browser.until(() -> viewerLines() == 1000);

        // Clicking a step in the steps table filters the log to it.
        browser.css("[data-testid='step-row'][data-step='alpha'] [data-testid='step-filter-button']").click();
        browser.until(() -> "500".equals(viewer().getAttribute("data-shown")));
        assertThat(visibleLines()).isNotEmpty().allSatisfy(l -> assertThat(l.getAttribute("data-step")).isEqualTo("alpha"));
        assertThat(browser.find("download-step").getAttribute("href")).endsWith("/api/jobs/" + jobId + "/logs/raw?step=alpha");

        new Select(browser.find("stream-filter")).selectByValue("stderr");
        browser.until(() -> "50".equals(viewer().getAttribute("data-shown")));
        assertThat(visibleLines()).isNotEmpty().allSatisfy(l -> {
            assertThat(l.getAttribute("data-stream")).isEqualTo("stderr");
            assertThat(l.getText()).contains("warn");
        });

        new Select(browser.find("stream-filter")).selectByValue("");
        new Select(browser.find("step-filter")).selectByValue("beta");
        browser.until(() -> "500".equals(viewer().getAttribute("data-shown")));
        assertThat(visibleLines()).allSatisfy(l -> assertThat(l.getAttribute("data-step")).isEqualTo("beta"));

        // Search inside the filtered view: "beta 25" matches beta 25 and beta 250..259.
        new Select(browser.find("step-filter")).selectByValue("");
        browser.find("search-input").sendKeys("beta 25");
        awaitSearchCount(11);
        browser.find("search-input").sendKeys(Keys.ENTER);
        browser.until(() -> browser.find("search-count").getText().equals("1 / 11"));
        assertThat(currentMatchLine()).isEqualTo("beta 25");
        browser.find("search-next").click();
        browser.until(() -> browser.find("search-count").getText().equals("2 / 11"));
        assertThat(currentMatchLine()).isEqualTo("beta 250");
        browser.find("search-prev").click();
        browser.find("search-prev").click();
        browser.until(() -> browser.find("search-count").getText().equals("11 / 11"));
        assertThat(currentMatchLine()).as("previous wraps around to the last match").isEqualTo("beta 259");

        browser.find("search-input").sendKeys(Keys.chord(Keys.CONTROL, "a"), "no such text");
        browser.until(() -> browser.find("search-count").getText().equals("No matches"));
    }

    @Test
    void ansiColoursAreRenderedAndOtherEscapesStripped() {
        String jobId = execute("colours", Map.of());
        browser.open(base + "/jobs/" + jobId);
        awaitJobStatus("completed");
        browser.until(() -> viewerLines() == 2);

        List<WebElement> texts = browser.cssAll("[data-testid='log-line'] [data-testid='log-text']");
        assertThat(texts.get(0).getText()).isEqualTo("red plain bold green");
        WebElement red = texts.get(0).findElement(org.openqa.selenium.By.xpath(".//span[text()='red']"));
        assertThat(red.getCssValue("color")).as("a red foreground").matches("rgba?\\((1[5-9]\\d|2\\d\\d), \\d{1,2}, \\d{1,2}.*");
        WebElement bold = texts.get(0).findElement(org.openqa.selenium.By.xpath(".//span[text()='bold green']"));
        assertThat(Integer.parseInt(bold.getCssValue("font-weight"))).isGreaterThanOrEqualTo(600);
        assertThat(texts.get(1).getText()).as("OSC title and erase-line removed").isEqualTo("title cleared end");
    }

    @Test
    void jobsPageShowsNewJobsLiveAndFiltersByStatus() {
        browser.open(base + "/jobs");
        browser.until(() -> browser.find("jobs-table") != null || browser.find("main").getText().contains("No jobs"));

        String ok = execute("hello-world", Map.of("name", "Jobs page"));
        String failed = execute("failing-with-hook", Map.of());
        browser.until(() -> "completed".equals(jobRow(ok).getAttribute("data-status")));
        browser.until(() -> "failed".equals(jobRow(failed).getAttribute("data-status")));
        WebElement row = jobRow(ok);
        assertThat(row.getText()).contains("hello-world").contains("completed");
        assertThat(row.findElement(Browser.byTestId("job-row-status")).getCssValue("background-color"))
                .isNotEqualTo(jobRow(failed).findElement(Browser.byTestId("job-row-status")).getCssValue("background-color"));

        new Select(browser.find("status-filter")).selectByValue("failed");
        browser.until(() -> browser.cssAll("[data-testid='job-row'][data-job-id='" + ok + "']").isEmpty());
        assertThat(browser.findAll("job-row")).isNotEmpty()
                .allSatisfy(r -> assertThat(r.getAttribute("data-status")).isEqualTo("failed"));
        assertThat((String) browser.js("return location.search")).as("bookmarkable filter").contains("status=failed");

        // Task filter: only hello-world jobs.
        new Select(browser.find("status-filter")).selectByValue("");
        new Select(browser.find("task-filter")).selectByValue("[\"default\",\"hello-world\"]");
        browser.until(() -> browser.cssAll("[data-testid='job-row'][data-job-id='" + failed + "']").isEmpty()
                && !browser.cssAll("[data-testid='job-row'][data-job-id='" + ok + "']").isEmpty());
        assertThat(browser.findAll("job-row")).allSatisfy(r -> assertThat(r.getText()).contains("hello-world"));

        // The failed job's page: the step's exit code and error, its hook job, the archive state.
        new Select(browser.find("task-filter")).selectByValue("");
        browser.until(() -> jobRow(failed).isDisplayed());
        jobRow(failed).findElement(org.openqa.selenium.By.cssSelector("a.task-link")).click();
        browser.until(() -> browser.currentPath().equals("/jobs/" + failed));
        browser.until(() -> browser.find("step-exit").getText().equals("exit 1"));
        assertThat(browser.find("step-error").getText()).contains("Exit code: 1");
        assertThat(browser.find("job-error").getText()).startsWith("Error: Step 'fail' failed");
        browser.until(() -> browser.find("hook-job-link").isDisplayed());
        browser.until(() -> browser.find("archive-state").getText().startsWith("✓ Archived"));
        assertThat(browser.find("archive-key").getText()).startsWith("default/failing-with-hook/").endsWith(failed + ".jsonl.gz");
    }

    @Test
    void onAPhoneTheJobPageFitsTheScreen() {
        String jobId = execute("hello-world", Map.of("name", "Phone"));
        browser.windowSize(390, 844);
        browser.open(base + "/jobs/" + jobId);
        awaitJobStatus("completed");
        awaitLogText(text -> text.contains("HELLO, PHONE!"));

        long pageWidth = (Long) browser.js("return document.documentElement.scrollWidth");
        long viewport = (Long) browser.js("return document.documentElement.clientWidth");
        assertThat(pageWidth).as("no sideways scrolling of the page").isLessThanOrEqualTo(viewport);
        assertThat(viewer().isDisplayed()).isTrue();
        assertThat(browser.find("server-events").isDisplayed()).isTrue();
        browser.screenshot("job-phone");
    }

    @Test
    void everyControlOfTheTasksPageIsReachableByKeyboard() {
        browser.open(base + "/tasks");
        browser.until(() -> runButton("hello-world") != null);
        WebElement body = browser.css("body");
        body.sendKeys(Keys.TAB);
        assertThat((String) browser.js("return document.activeElement.className")).isEqualTo("skip-link");
        boolean reached = false;
        for (int i = 0; i < 60 && !reached; i++) {
            browser.switchToActive().sendKeys(Keys.TAB);
            reached = "hello-world".equals(browser.js("return document.activeElement.dataset.testid === 'run-button' ? document.activeElement.dataset.task : null"));
        }
        assertThat(reached).as("Tab reaches the Run button of hello-world").isTrue();
        browser.switchToActive().sendKeys(Keys.ENTER);
        browser.until(() -> "input-name".equals(browser.js("return document.activeElement.dataset.testid")));
        browser.switchToActive().sendKeys(Keys.ESCAPE);
        browser.until(() -> browser.findAll("run-dialog").isEmpty() || !browser.find("run-dialog").isDisplayed());
    }

    // --- helpers -------------------------------------------------------------------------

    private static String execute(String task, Map<String, Object> input) {
        var answer = api.post("/api/workspaces/default/tasks/" + task + "/execute", Map.of("input", input));
        assertThat(answer.status()).as("%s", answer).isEqualTo(200);
        return answer.json().path("job_id").asText();
    }

    private static long jobCount() {
        JsonNode jobs = api.get("/api/jobs?limit=1").json();
        return jobs.path("total").asLong();
    }

    private static String labelOf(WebElement input) {
        return browser.css("label[for='" + input.getAttribute("id") + "']").getText();
    }

    private static WebElement runButton(String task) {
        return browser.css("[data-testid='run-button'][data-workspace='default'][data-task='" + task + "']");
    }

    private static WebElement viewer() {
        return browser.find("log-viewer");
    }

    private static long viewerLines() {
        return Long.parseLong(viewer().getAttribute("data-lines"));
    }

    private static String jobBadge() {
        return browser.find("job-status").getAttribute("data-status");
    }

    /** Waits for the job on screen to reach {@code status}; the API's view of the job explains a timeout. */
    private static void awaitJobStatus(String status) {
        String jobId = browser.currentPath().substring("/jobs/".length());
        browser.await().atMost(java.time.Duration.ofSeconds(60)).ignoreExceptions()
                .alias("job " + jobId + " shown as " + status)
                .until(() -> status.equals(jobBadge()) || isTerminal(api.get("/api/jobs/" + jobId).json()));
        JsonNode job = api.get("/api/jobs/" + jobId).json();
        assertThat(job.path("status").asText()).as("job %s (server events %s)", job,
                api.get("/api/jobs/" + jobId + "/steps/_server/logs").body()).isEqualTo(status);
        browser.until(() -> status.equals(jobBadge()));
    }

    private static boolean isTerminal(JsonNode job) {
        return List.of("completed", "failed", "cancelled").contains(job.path("status").asText());
    }

    private static void awaitLogText(java.util.function.Predicate<String> check) {
        browser.until(() -> check.test(viewer().getText()));
    }

    private static void awaitSearchCount(int n) {
        browser.until(() -> {
            WebElement count = browser.find("search-count");
            return "false".equals(count.getAttribute("data-searching")) && String.valueOf(n).equals(count.getAttribute("data-count"));
        });
    }

    /** The log rows on screen (the virtual list renders only those). */
    private static List<WebElement> visibleLines() {
        return browser.cssAll("[data-testid='log-line']");
    }

    private static String lastVisibleLineText() {
        List<WebElement> rows = visibleLines();
        return rows.get(rows.size() - 1).findElement(Browser.byTestId("log-text")).getText();
    }

    private static String currentMatchLine() {
        WebElement mark = browser.find("search-current");
        assertThat(mark.isDisplayed()).isTrue();
        return mark.findElement(org.openqa.selenium.By.xpath("ancestor::*[@data-testid='log-text']")).getText();
    }

    private static WebElement jobRow(String jobId) {
        return browser.css("[data-testid='job-row'][data-job-id='" + jobId + "']");
    }

    /** Relative luminance (0 black … 1 white) of an element's computed background colour. */
    private static double luminance(String selector) {
        String rgb = (String) browser.js("return getComputedStyle(document.querySelector(arguments[0])).backgroundColor", selector);
        String[] parts = rgb.replaceAll("[^0-9,.]", "").split(",");
        double r = Double.parseDouble(parts[0]) / 255;
        double g = Double.parseDouble(parts[1]) / 255;
        double b = Double.parseDouble(parts[2]) / 255;
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
