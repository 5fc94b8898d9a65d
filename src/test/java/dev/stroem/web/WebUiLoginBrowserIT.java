package dev.stroem.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Keys;

/**
 * The web UI against a server with users: the login page, the jobs list, a live log, a reload
 * that keeps the session through the HttpOnly cookie, and logout; the access token never
 * appears in a URL the browser requests, nor in storage a script can read.
 */
class WebUiLoginBrowserIT {
    /** Records every URL the page requests (fetch, WebSocket, resources), on every document it loads. */
    private static final String URL_RECORDER = """
            (() => {
              const urls = JSON.parse(sessionStorage.getItem('__urls') || '[]');
              const keep = (u) => { urls.push(String(u)); sessionStorage.setItem('__urls', JSON.stringify(urls)); };
              keep(location.href);
              const OrigWS = window.WebSocket;
              window.WebSocket = function (url, protocols) { keep(url); return new OrigWS(url, protocols); };
              window.WebSocket.prototype = OrigWS.prototype;
              Object.assign(window.WebSocket, { OPEN: 1, CLOSED: 3, CONNECTING: 0, CLOSING: 2 });
              const origFetch = window.fetch;
              window.fetch = (input, init) => { keep(input instanceof Request ? input.url : input); return origFetch(input, init); };
              new PerformanceObserver((list) => list.getEntries().forEach((e) => keep(e.name)))
                .observe({ type: 'resource', buffered: true });
            })();
            """;

    @TempDir
    static Path dir;

    private static TestServer server;
    private static Browser browser;
    private static HttpTestClient admin;

    @BeforeAll
    static void start() throws IOException {
        browser = Browser.start(Files.createDirectories(dir.resolve("downloads")));
        server = TestServer.in(dir, "sqlite:" + dir.resolve("stroem.db")).yaml(AuthFlowContract.AUTH_YAML).start();
        var login = server.api().post("/api/auth/login",
                Map.of("email", AuthFlowContract.ADMIN, "password", AuthFlowContract.ADMIN_PASSWORD));
        admin = server.api().withToken(login.json().path("access_token").asText());
        browser.devTools("Page.addScriptToEvaluateOnNewDocument", Map.of("source", URL_RECORDER));
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
    void logInSeeJobsFollowALiveLogAndLogOutWithoutTheTokenInAnyUrl() {
        String jobId = finishedHelloWorld();

        browser.open(server.url() + "/jobs/" + jobId);
        browser.until(() -> browser.find("login-form").isDisplayed());
        assertThat(browser.currentPath()).isEqualTo("/login");
        browser.find("login-email").sendKeys(AuthFlowContract.ADMIN);
        browser.find("login-password").sendKeys("wrong", Keys.ENTER);
        browser.until(() -> browser.find("login-error").isDisplayed());
        assertThat(browser.find("login-error").getText()).contains("invalid email or password");
        browser.find("login-password").clear();
        browser.find("login-password").sendKeys(AuthFlowContract.ADMIN_PASSWORD, Keys.ENTER);

        // Back where the user was going: the job, its log followed over the WebSocket to the end.
        browser.until(() -> ("/jobs/" + jobId).equals(browser.currentPath()));
        browser.until(() -> "ended".equals(browser.find("log-viewer").getAttribute("data-state")));
        assertThat(browser.find("log-viewer").getText()).contains("Hello UI").contains("HELLO UI");

        browser.find("nav-jobs").click();
        browser.until(() -> !browser.cssAll("a[href='/jobs/" + jobId + "']").isEmpty());

        // A reload keeps the session: the HttpOnly cookie brings a new access token.
        browser.open(server.url() + "/tasks");
        browser.until(() -> !browser.cssAll("[data-testid='run-button'][data-task='hello-world']").isEmpty());
        assertThat(browser.js("return document.cookie")).asString().doesNotContain("stroem_refresh");
        assertThat(browser.js("return localStorage.length")).isEqualTo(0L);

        browser.find("logout").click();
        browser.until(() -> browser.find("login-form").isDisplayed());
        // The session is over on the server too: a new page load lands on the login page.
        browser.open(server.url() + "/jobs");
        browser.until(() -> browser.find("login-form").isDisplayed());

        @SuppressWarnings("unchecked")
        List<String> urls = (List<String>) browser.js("return JSON.parse(sessionStorage.getItem('__urls') || '[]')");
        assertThat(urls).anySatisfy(u -> assertThat(u).contains("/logs/stream").contains("ticket="));
        assertThat(urls).allSatisfy(u -> assertThat(u).doesNotContain("eyJ").doesNotContain("token="));
    }

    /** A hello-world job run by hand through the worker API, so its log is known exactly. */
    private static String finishedHelloWorld() {
        var answer = admin.post("/api/workspaces/default/tasks/hello-world/execute", Map.of("input", Map.of("name", "UI")));
        assertThat(answer.status()).as("%s", answer).isEqualTo(200);
        String jobId = answer.json().path("job_id").asText();
        var worker = server.worker();
        String workerId = worker.register("ui-worker");
        worker.run(workerId, jobId, "say-hello", "Hello UI", "OUTPUT: {\"greeting\": \"Hello UI\"}");
        worker.run(workerId, jobId, "shout-it", "HELLO UI");
        return jobId;
    }
}
