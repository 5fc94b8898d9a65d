package dev.stroem.web;

import static dev.stroem.web.WorkerApiContract.lineTexts;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The log reads of docs/api.md over HTTP: the original's envelope and our paging, tail and raw extensions. */
abstract class LogsApiContract extends ServerContract {

    private String jobId;

    @BeforeEach
    void createJob() {
        jobId = execute("hello-world", Map.of());
    }

    private static String line(String ts, String stream, String step, String text) {
        return "{\"ts\":\"" + ts + "\",\"stream\":\"" + stream + "\",\"step\":\"" + step + "\",\"line\":\"" + text + "\"}";
    }

    private void push(String step, String stream, String ts, String... texts) {
        var lines = new ArrayList<Map<String, Object>>();
        for (String t : texts) {
            lines.add(Map.of("ts", ts, "stream", stream, "line", t));
        }
        WorkerCalls.ok(worker.logs(jobId, step, null, lines));
    }

    /** Interleaved lines of both steps and both streams: positions 0..5. */
    private void pushSixLines() {
        push("say-hello", "stdout", "2025-02-12T10:56:45.100Z", "hello 1");
        push("say-hello", "stderr", "2025-02-12T10:56:45.200Z", "warn 2");
        push("shout-it", "stdout", "2025-02-12T10:56:45.300Z", "SHOUT 3");
        push("say-hello", "stdout", "2025-02-12T10:56:45.400Z", "hello 4");
        push("shout-it", "stderr", "2025-02-12T10:56:45.500Z", "oops 5");
        push("shout-it", "stdout", "2025-02-12T10:56:45.600Z", "SHOUT 6");
    }

    @Test
    void aJobWithoutLinesReadsAsEmptyAndUnknownJobsOrStepsAre404() {
        var answer = api.get("/api/jobs/" + jobId + "/logs");
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("{\"logs\":\"\"}");
        assertThat(answer.header(LogsApi.SOURCE_HEADER)).hasValue("none");
        assertThat(api.get("/api/jobs/" + jobId + "/steps/say-hello/logs").body()).isEqualTo("{\"logs\":\"\"}");
        assertThat(api.get("/api/jobs/" + jobId + "/steps/_server/logs").body()).isEqualTo("{\"logs\":\"\"}");
        var raw = api.get("/api/jobs/" + jobId + "/logs/raw");
        assertThat(raw.status()).isEqualTo(200);
        assertThat(raw.body()).isEmpty();

        for (String path : List.of("/logs", "/steps/say-hello/logs", "/logs/raw", "/logs?full=true", "/logs?offset=0")) {
            assertError(api.get("/api/jobs/00000000-0000-4000-8000-00000000dead" + path), 404, "00000000-0000-4000-8000-00000000dead");
            assertError(api.get("/api/jobs/no-such-job" + path), 400, "no-such-job");
        }
        assertError(api.get("/api/jobs/" + jobId + "/steps/ghost/logs"), 404, "ghost");
        assertError(api.get("/api/jobs/" + jobId + "/logs/raw?step=ghost"), 404, "ghost");
    }

    @Test
    void theWholeLogAndEachStepsLogAreExactJsonlAndServerEventsAreTheirOwnStep() {
        pushSixLines();
        api.post("/api/jobs/" + jobId + "/cancel", "");

        var answer = api.get("/api/jobs/" + jobId + "/logs");
        assertThat(answer.header(LogsApi.SOURCE_HEADER)).hasValue("local");
        String all = answer.json().path("logs").asText();
        String[] lines = all.split("\n");
        assertThat(all).endsWith("\n");
        assertThat(lines).hasSize(7);
        assertThat(lines[0]).isEqualTo(line("2025-02-12T10:56:45.100Z", "stdout", "say-hello", "hello 1"));
        assertThat(lines[4]).isEqualTo(line("2025-02-12T10:56:45.500Z", "stderr", "shout-it", "oops 5"));
        assertThat(lines[6]).matches("\\{\"ts\":\"[^\"]+Z\",\"stream\":\"stderr\",\"step\":\"_server\","
                + "\"line\":\"\\[orchestrator\\] Job cancelled by api\"}");

        assertThat(logs("/api/jobs/" + jobId + "/steps/say-hello/logs")).isEqualTo(String.join("\n",
                line("2025-02-12T10:56:45.100Z", "stdout", "say-hello", "hello 1"),
                line("2025-02-12T10:56:45.200Z", "stderr", "say-hello", "warn 2"),
                line("2025-02-12T10:56:45.400Z", "stdout", "say-hello", "hello 4")) + "\n");
        assertThat(lineTexts(logs("/api/jobs/" + jobId + "/steps/shout-it/logs"))).containsExactly("SHOUT 3", "oops 5", "SHOUT 6");
        assertThat(lineTexts(logs("/api/jobs/" + jobId + "/steps/_server/logs")))
                .containsExactly("[orchestrator] Job cancelled by api");
    }

    @Test
    void offsetLimitTailAndStreamPageThroughTheLogAndSayWhereTheNextPageStarts() {
        pushSixLines();
        String base = "/api/jobs/" + jobId;

        var page1 = api.get(base + "/logs?offset=0&limit=4").json();
        assertThat(lineTexts(page1.path("logs").asText())).containsExactly("hello 1", "warn 2", "SHOUT 3", "hello 4");
        assertThat(page1.path("next_offset").asLong()).isEqualTo(4);
        var page2 = api.get(base + "/logs?offset=4&limit=4").json();
        assertThat(lineTexts(page2.path("logs").asText())).containsExactly("oops 5", "SHOUT 6");
        assertThat(page2.path("next_offset").asLong()).isEqualTo(6);
        var page3 = api.get(base + "/logs?offset=6").json();
        assertThat(page3.path("logs").asText()).isEmpty();
        assertThat(page3.path("next_offset").asLong()).isEqualTo(6);

        var tail = api.get(base + "/logs?tail=2").json();
        assertThat(lineTexts(tail.path("logs").asText())).containsExactly("oops 5", "SHOUT 6");
        assertThat(tail.path("next_offset").asLong()).isEqualTo(6);
        var stderr = api.get(base + "/logs?stream=stderr").json();
        assertThat(lineTexts(stderr.path("logs").asText())).containsExactly("warn 2", "oops 5");
        assertThat(stderr.has("next_offset")).isTrue();
        var stepPage = api.get(base + "/steps/shout-it/logs?stream=stdout&offset=3&limit=1").json();
        assertThat(lineTexts(stepPage.path("logs").asText())).containsExactly("SHOUT 6");
        var stepTail = api.get(base + "/steps/say-hello/logs?tail=1").json();
        assertThat(lineTexts(stepTail.path("logs").asText())).containsExactly("hello 4");

        assertError(api.get(base + "/logs?stream=stdlog"), 400, "stream");
        assertError(api.get(base + "/logs?limit=0"), 400, "limit");
        assertError(api.get(base + "/logs?offset=-1"), 400, "offset");
        assertError(api.get(base + "/logs?offset=x"), 400, "offset");
        assertError(api.get(base + "/logs?tail=2&limit=2"), 400, "tail");
        assertError(api.get(base + "/logs?tail=2&offset=1"), 400, "tail");
        assertError(api.get(base + "/logs?tail_bytes=10&full=true"), 400, "tail_bytes");
    }

    @Test
    void searchFindsPositionsByVisibleTextCaseInsensitivelyWithFiltersAndContinuation() {
        pushSixLines();
        push("shout-it", "stdout", "2025-02-12T10:56:45.700Z", "\u001b[31mSHO\u001b[0mUT 8 \"quoted\"");
        String base = "/api/jobs/" + jobId + "/logs/search";

        var all = api.get(base + "?q=shout").json();
        assertThat(all.path("positions").toString()).isEqualTo("[2,5,6]");
        assertThat(all.path("truncated").asBoolean()).isFalse();
        assertThat(api.get(base + "?q=%22QUOTED%22").json().path("positions").toString()).as("escaped text").isEqualTo("[6]");
        assertThat(api.get(base + "?q=stdout").json().path("positions").toString()).as("keys are not text").isEqualTo("[]");
        assertThat(api.get(base + "?q=%20&stream=stderr").json().path("positions").toString()).isEqualTo("[1,4]");
        assertThat(api.get(base + "?q=hello&step=say-hello&offset=1").json().path("positions").toString()).isEqualTo("[3]");

        var first = api.get(base + "?q=shout&limit=1").json();
        assertThat(first.path("positions").toString()).isEqualTo("[2]");
        assertThat(first.path("truncated").asBoolean()).isTrue();
        var rest = api.get(base + "?q=shout&offset=" + first.path("next_offset").asLong()).json();
        assertThat(rest.path("positions").toString()).isEqualTo("[5,6]");

        assertError(api.get(base), 400, "q");
        assertError(api.get(base + "?q=x&limit=0"), 400, "limit");
    }

    @Test
    void tailBytesReturnsWholeLastLinesAndFullStreamsNdjsonWithoutEnvelope() throws IOException {
        pushSixLines();
        String base = "/api/jobs/" + jobId;
        long lastTwo = (line("2025-02-12T10:56:45.500Z", "stderr", "shout-it", "oops 5") + "\n"
                + line("2025-02-12T10:56:45.600Z", "stdout", "shout-it", "SHOUT 6") + "\n").length();

        var tailed = api.get(base + "/logs?tail_bytes=" + (lastTwo + 10)).json();

        assertThat(lineTexts(tailed.path("logs").asText())).containsExactly("oops 5", "SHOUT 6");
        assertThat(tailed.path("truncated").asBoolean()).isTrue();
        assertThat(tailed.path("returned_bytes").asLong()).isEqualTo(lastTwo);
        assertThat(tailed.path("total_bytes").asLong()).isGreaterThan(lastTwo);
        var whole = api.get(base + "/logs?tail_bytes=1000000").json();
        assertThat(whole.has("truncated")).isFalse();
        assertThat(lineTexts(whole.path("logs").asText())).hasSize(6);

        var full = api.get(base + "/logs?full=true");
        assertThat(full.status()).isEqualTo(200);
        assertThat(full.header("Content-Type").orElse("")).startsWith(LogsApi.NDJSON);
        assertThat(full.header(LogsApi.SOURCE_HEADER)).hasValue("local");
        assertThat(full.body()).isEqualTo(logs(base + "/logs"));
        var stepFull = api.get(base + "/steps/shout-it/logs?full=true");
        assertThat(lineTexts(stepFull.body())).containsExactly("SHOUT 3", "oops 5", "SHOUT 6");
    }

    @Test
    void aLogLargerThanTheDefaultTailIsCutToItsLastWholeLines() {
        // 4.5 MiB of lines in batches: more than the 4 MiB a plain read returns by default.
        String text = "x".repeat(1000);
        int batches = 9;
        for (int b = 0; b < batches; b++) {
            var lines = new ArrayList<Map<String, Object>>();
            for (int i = 0; i < 500; i++) {
                lines.add(Map.of("ts", "2025-02-12T10:56:45.123Z", "stream", "stdout", "line", b + ":" + i + ":" + text));
            }
            WorkerCalls.ok(worker.logs(jobId, "say-hello", "b" + b, lines));
        }

        var answer = api.get("/api/jobs/" + jobId + "/logs").json();

        assertThat(answer.path("truncated").asBoolean()).isTrue();
        long returned = answer.path("returned_bytes").asLong();
        assertThat(returned).isLessThanOrEqualTo(4L * 1024 * 1024);
        assertThat(answer.path("total_bytes").asLong()).isGreaterThan(4L * 1024 * 1024);
        String logs = answer.path("logs").asText();
        assertThat(logs.getBytes(StandardCharsets.UTF_8).length).isEqualTo(returned);
        var texts = lineTexts(logs);
        assertThat(texts.get(texts.size() - 1)).startsWith((batches - 1) + ":499:");
        assertThat(texts.get(0)).endsWith(text);
    }

    @Test
    void rawStreamsNdjsonWithStepAndStreamFilters() throws IOException {
        pushSixLines();
        String base = "/api/jobs/" + jobId + "/logs/raw";

        var all = api.get(base);
        assertThat(all.status()).isEqualTo(200);
        assertThat(all.header("Content-Type").orElse("")).startsWith(LogsApi.NDJSON);
        assertThat(all.header("Content-Disposition").orElse("")).contains(jobId + ".jsonl");
        assertThat(all.header(LogsApi.SOURCE_HEADER)).hasValue("local");
        assertThat(all.body()).isEqualTo(logs("/api/jobs/" + jobId + "/logs"));
        assertThat(lineTexts(api.get(base + "?step=say-hello").body())).containsExactly("hello 1", "warn 2", "hello 4");
        assertThat(lineTexts(api.get(base + "?stream=stderr").body())).containsExactly("warn 2", "oops 5");
        assertThat(lineTexts(api.get(base + "?step=shout-it&stream=stdout").body())).containsExactly("SHOUT 3", "SHOUT 6");
        var streamed = api.getStream(base + "?step=shout-it");
        try (InputStream in = streamed.body()) {
            assertThat(lineTexts(new String(in.readAllBytes(), StandardCharsets.UTF_8))).hasSize(3);
        }
        assertError(api.get(base + "?stream=both"), 400, "stream");
    }
}
