package dev.stroem.web;

import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium driven through Debian's chromedriver (no driver download: the
 * machine has no open network). Absent browser: the test is skipped on a developer's machine,
 * and fails when {@code STROEM_REQUIRE_ALL_TESTS=1} (CI installs both packages). Public for the
 * web UI benchmark in bench/.
 */
public final class Browser implements AutoCloseable {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private final ChromeDriver driver;
    private final Path downloads;

    private Browser(ChromeDriver driver, Path downloads) {
        this.driver = driver;
        this.downloads = downloads;
    }

    /** A fresh browser profile with a laptop-sized window; downloads go to {@code downloads}. */
    public static Browser start(Path downloads) {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!present && "1".equals(System.getenv("STROEM_REQUIRE_ALL_TESTS"))) {
            fail("STROEM_REQUIRE_ALL_TESTS=1 but " + CHROMIUM + " or " + CHROMEDRIVER
                    + " is missing (apt-get install chromium chromium-driver)");
        }
        assumeTrue(present, "Chromium and chromedriver are not installed; browser tests skipped");
        var options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // Flags for a root user in a container on a closed network (see the machine notes).
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=1366,900", "--force-device-scale-factor=1", "--lang=en-GB");
        // The page's console, so a test can check that a flow logged no errors.
        options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
        options.setExperimentalOption("prefs", Map.of(
                "download.default_directory", downloads.toAbsolutePath().toString(),
                "download.prompt_for_download", false));
        var service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        var driver = new ChromeDriver(service, options);
        // Headless Chromium ignores the download preference unless told through DevTools.
        driver.executeCdpCommand("Browser.setDownloadBehavior",
                Map.of("behavior", "allow", "downloadPath", downloads.toAbsolutePath().toString()));
        return new Browser(driver, downloads);
    }

    public void open(String url) {
        driver.get(url);
    }

    String currentPath() {
        return (String) js("return location.pathname");
    }

    public Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /** A script that ends by calling its last argument (the callback) with the result. */
    public Object jsAsync(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeAsyncScript(script, args);
    }

    public WebElement find(String testid) {
        return driver.findElement(byTestId(testid));
    }

    List<WebElement> findAll(String testid) {
        return driver.findElements(byTestId(testid));
    }

    /** The element that has the keyboard focus. */
    WebElement switchToActive() {
        return driver.switchTo().activeElement();
    }

    static By byTestId(String testid) {
        return By.cssSelector("[data-testid='" + testid + "']");
    }

    WebElement css(String selector) {
        return driver.findElement(By.cssSelector(selector));
    }

    List<WebElement> cssAll(String selector) {
        return driver.findElements(By.cssSelector(selector));
    }

    /** Polls {@code check} (retrying while it throws, e.g. an element not there yet) until it holds. */
    public void until(Callable<Boolean> check) {
        await().ignoreExceptions().until(check);
    }

    public ConditionFactory await() {
        return Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100));
    }

    void windowSize(int width, int height) {
        driver.manage().window().setSize(new Dimension(width, height));
    }

    /** Emulates the system's colour scheme ("dark" or "light") through the DevTools protocol. */
    void colorScheme(String scheme) {
        driver.executeCdpCommand("Emulation.setEmulatedMedia",
                Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", scheme))));
    }

    /** A DevTools protocol command (heap usage, garbage collection … for the benchmark). */
    public Map<String, Object> devTools(String command, Map<String, Object> params) {
        return driver.executeCdpCommand(command, params);
    }

    /**
     * Runs axe-core (vendored under src/test/resources/axe, MPL-2.0) on the page against WCAG 2 A and
     * AA rules and returns its serious and critical violations as "rule: target …" lines (empty: none).
     */
    @SuppressWarnings("unchecked")
    List<String> seriousAccessibilityViolations() {
        if (!Boolean.TRUE.equals(js("return typeof window.axe === 'object'"))) {
            try (var in = Browser.class.getResourceAsStream("/axe/axe.min.js")) {
                js(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        var found = (List<Map<String, Object>>) jsAsync("""
                const done = arguments[arguments.length - 1];
                axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
                  .then((r) => done(r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
                    .map((v) => ({ id: v.id, targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')).join(' | ') }))))
                  .catch((e) => done([{ id: 'axe-error', targets: String(e) }]));""");
        return found.stream().map(v -> v.get("id") + ": " + v.get("targets")).toList();
    }

    /** Console errors (and uncaught exceptions) logged by the page since the last call. */
    List<String> consoleErrors() {
        return driver.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue())
                .map(e -> e.getMessage())
                .toList();
    }

    /** Saves a PNG of the page under target/screenshots/ for a reviewer to look at. */
    Path screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Path file = SCREENSHOTS.resolve(name + ".png");
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path downloads() {
        return downloads;
    }

    @Override
    public void close() {
        driver.quit();
    }
}
