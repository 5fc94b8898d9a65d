package dev.stroem.bench;

import dev.stroem.web.Browser;
import dev.stroem.web.TestServer;
import org.awaitility.Awaitility;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The log viewer on a big log in headless Chromium, end first: time from navigation to the last
 * line on screen, to line 1 after Home, and to a server-side search hit in the middle; the page's
 * JS heap; DOM rows; frame intervals while jumping around the loaded window. Measured on a finished,
 * archived job and on a running one. Run with {@code bench/run-ui.sh [LINES] [RUNS]}.
 */
public final class WebUiLogBench {
    private static final int BATCH = 10_000;

    public static void main(String[] args) throws Exception {
        int lines = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Path dir = Files.createTempDirectory("stroem-ui-bench");
        try (var server = TestServer.in(dir, "sqlite:" + dir.resolve("stroem.db"))
                        .localArchive(Files.createDirectories(dir.resolve("archive"))).start();
                var browser = Browser.start(Files.createDirectories(dir.resolve("downloads")))) {
            String archived = jobWith(server, lines, true);
            String running = jobWith(server, lines, false);
            System.out.printf(Locale.ROOT, "log: %,d lines per job%n", lines + 1);
            for (int run = 1; run <= runs; run++) {
                measure(browser, server.url() + "/jobs/" + archived, lines + 1, "archived", run);
                measure(browser, server.url() + "/jobs/" + running, lines, "running", run);
            }
        }
    }

    private static void measure(Browser browser, String url, int expected, String kind, int run) {
        browser.open("about:blank");
        browser.open(url);
        double lastLine = until(browser, "const rows = document.querySelectorAll('[data-testid=log-line]');"
                + "return rows.length > 0 && Number(rows[rows.length - 1].dataset.pos) === " + (expected - 1) + ";", true);

        browser.js("window.__t0 = performance.now();"
                + "document.querySelector('[data-testid=log-scroller]').dispatchEvent(new KeyboardEvent('keydown', {key: 'Home', bubbles: true}));");
        double lineOne = until(browser, "const r = document.querySelector('[data-testid=log-line]');"
                + "return !!r && r.dataset.pos === '0';", false);

        @SuppressWarnings("unchecked")
        var frames = (List<Number>) browser.jsAsync(JUMP_AROUND);
        var sorted = new ArrayList<Double>();
        frames.forEach(f -> sorted.add(f.doubleValue()));
        sorted.sort(Double::compare);

        int target = expected * 2 / 3;
        browser.js("const i = document.querySelector('[data-testid=search-input]'); i.value = arguments[0];"
                + "i.dispatchEvent(new Event('input')); window.__t0 = performance.now();"
                + "i.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter', bubbles: true}));", "row " + target + " of ");
        // A log held whole in the page is searched there (the match is marked); a longer one on the server.
        double hit = until(browser, "const m = document.querySelector('[data-testid=search-current]');"
                + "const h = document.querySelector('[data-hit=current]') || (m && m.closest('[data-testid=log-line]'));"
                + "return !!h && h.dataset.pos === '" + (target - 1) + "';", false);

        browser.devTools("HeapProfiler.collectGarbage", Map.of());
        double heapMb = ((Number) browser.devTools("Runtime.getHeapUsage", Map.of()).get("usedSize")).doubleValue() / 1048576;
        long rows = (Long) browser.js("return document.querySelectorAll('[data-testid=log-line]').length");
        long loaded = Long.parseLong((String) browser.js("return document.querySelector('[data-testid=log-viewer]').dataset.loaded"));
        System.out.printf(Locale.ROOT,
                "run %d (%s): last line on screen %.2f s after navigation; line 1 after Home %.2f s; "
                        + "search hit in the middle %.2f s; JS heap %.0f MiB with %,d lines loaded; %d rows in the DOM; "
                        + "frame interval while jumping p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                run, kind, lastLine / 1000, lineOne / 1000, hit / 1000, heapMb, loaded, rows,
                pct(sorted, 0.50), pct(sorted, 0.99), sorted.get(sorted.size() - 1));
    }

    /** Polls a page condition; returns ms since navigation (fromNavigation) or since window.__t0. */
    private static double until(Browser browser, String condition, boolean fromNavigation) {
        double[] at = new double[1];
        browser.await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(10)).until(() -> {
            @SuppressWarnings("unchecked")
            var r = (List<Object>) browser.js("const ok = (() => {" + condition + "})();"
                    + "return [ok, performance.now() - (" + (fromNavigation ? "0" : "window.__t0") + ")];");
            at[0] = ((Number) r.get(1)).doubleValue();
            return Boolean.TRUE.equals(r.get(0));
        });
        return at[0];
    }

    /** Runs inside the page; resolves with 240 frame intervals (ms) while scrolling to random rows. */
    private static final String JUMP_AROUND = """
            const done = arguments[arguments.length - 1];
            const el = document.querySelector('[data-testid=log-scroller]');
            const out = [];
            let last = 0;
            function frame(now) {
              if (last) out.push(now - last);
              last = now;
              if (out.length >= 240) { done(out); return; }
              el.scrollTop = Math.random() * (el.scrollHeight - el.clientHeight);
              requestAnimationFrame(frame);
            }
            requestAnimationFrame(frame);
            """;

    private static double pct(List<Double> sorted, double p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.floor(p * sorted.size())));
    }

    /** A job whose first step printed {@code lines} lines; finished (and archived) or still running. */
    private static String jobWith(TestServer server, int lines, boolean finish) {
        var api = server.api();
        String jobId = api.post("/api/workspaces/default/tasks/hello-world/execute", Map.of("input", Map.of()))
                .json().path("job_id").asText();
        var worker = server.worker();
        String workerId = worker.register("bench");
        worker.claimAndStart(workerId, jobId, "say-hello");
        for (int from = 1; from <= lines; from += BATCH) {
            var batch = new ArrayList<Map<String, Object>>();
            for (int i = from; i < Math.min(lines + 1, from + BATCH); i++) {
                batch.add(Map.of("ts", "2025-02-12T10:56:45.123Z", "stream", i % 10 == 0 ? "stderr" : "stdout",
                        "line", "row " + i + " of " + lines + " \u001b[32mok\u001b[0m compiling module " + (i % 977)
                                + " with some typical build output"));
            }
            var answer = worker.logs(jobId, "say-hello", "b" + from, batch);
            if (answer.status() != 200) {
                throw new IllegalStateException("log push failed: " + answer);
            }
        }
        if (!finish) {
            return jobId;
        }
        worker.stdout(jobId, "say-hello", "OUTPUT: {\"greeting\": \"done\"}");
        worker.complete(jobId, "say-hello", 0, null);
        worker.run(workerId, jobId, "shout-it");
        var api2 = server.api();
        Awaitility.await().atMost(Duration.ofMinutes(5)).until(() ->
                "archived".equals(api2.get("/api/jobs/" + jobId).json().path("archive").path("state").asText()));
        return jobId;
    }
}
