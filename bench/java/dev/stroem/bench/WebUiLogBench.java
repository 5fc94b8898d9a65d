package dev.stroem.bench;

import dev.stroem.web.Browser;
import dev.stroem.web.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The log viewer on a big finished job in headless Chromium: time from navigation until every line
 * is loaded, the page's JS heap then, DOM rows, frame intervals while jumping around the log, and
 * how long a search over every line takes. Run with {@code bench/run-ui.sh [LINES]}.
 */
public final class WebUiLogBench {
    private static final int BATCH = 10_000;

    public static void main(String[] args) throws Exception {
        int lines = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Path dir = Files.createTempDirectory("stroem-ui-bench");
        try (var server = TestServer.in(dir, "sqlite:" + dir.resolve("stroem.db")).start();
                var browser = Browser.start(Files.createDirectories(dir.resolve("downloads")))) {
            String jobId = jobWith(server, lines);
            long bytes = Files.size(server.logDir().resolve(jobId + ".jsonl"));
            System.out.printf(Locale.ROOT, "log: %,d lines, %,d bytes of JSONL%n", lines + 1, bytes);
            for (int run = 1; run <= runs; run++) {
                measure(browser, server.url() + "/jobs/" + jobId, lines + 1, run);
            }
        }
    }

    private static void measure(Browser browser, String url, int expected, int run) {
        browser.open("about:blank");
        browser.open(url);
        double[] loadedAt = new double[1];
        browser.await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(20)).until(() -> {
            @SuppressWarnings("unchecked")
            var r = (List<Object>) browser.js("const v = document.querySelector('[data-testid=log-viewer]');"
                    + "return [v ? v.dataset.state : '', v ? Number(v.dataset.lines) : 0, performance.now()];");
            loadedAt[0] = ((Number) r.get(2)).doubleValue();
            return "ended".equals(r.get(0)) && ((Number) r.get(1)).intValue() == expected;
        });
        browser.devTools("HeapProfiler.collectGarbage", Map.of());
        double heapMb = ((Number) browser.devTools("Runtime.getHeapUsage", Map.of()).get("usedSize")).doubleValue() / 1048576;
        long rows = (Long) browser.js("return document.querySelectorAll('[data-testid=log-line]').length");

        // 240 frames, each jumping to a random place in the log: the intervals between frames.
        @SuppressWarnings("unchecked")
        var frames = (List<Number>) browser.jsAsync(JUMP_AROUND);
        var sorted = new ArrayList<Double>();
        frames.forEach(f -> sorted.add(f.doubleValue()));
        sorted.sort(Double::compare);

        browser.js("const i = document.querySelector('[data-testid=search-input]'); i.value = arguments[0];"
                + "window.__searchStart = performance.now(); i.dispatchEvent(new Event('input'));",
                "row " + (expected * 2 / 3) + " of ");
        double[] searchDone = new double[1];
        browser.await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(20)).until(() -> {
            @SuppressWarnings("unchecked")
            var r = (List<Object>) browser.js("const c = document.querySelector('[data-testid=search-count]');"
                    + "return [c.dataset.searching, c.dataset.count, performance.now() - window.__searchStart];");
            searchDone[0] = ((Number) r.get(2)).doubleValue();
            return "false".equals(r.get(0)) && "1".equals(r.get(1));
        });
        System.out.printf(Locale.ROOT,
                "run %d: all lines loaded %.2f s after navigation; JS heap %.0f MiB; %d rows in the DOM; "
                        + "frame interval while jumping p50 %.1f ms, p99 %.1f ms, max %.1f ms; "
                        + "search over every line %.0f ms (incl. 150 ms typing debounce)%n",
                run, loadedAt[0] / 1000, heapMb, rows, pct(sorted, 0.50), pct(sorted, 0.99),
                sorted.get(sorted.size() - 1), searchDone[0]);
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

    private static String jobWith(TestServer server, int lines) {
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
        worker.stdout(jobId, "say-hello", "OUTPUT: {\"greeting\": \"done\"}");
        worker.complete(jobId, "say-hello", 0, null);
        worker.run(workerId, jobId, "shout-it");
        return jobId;
    }
}
