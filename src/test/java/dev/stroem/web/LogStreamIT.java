package dev.stroem.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The live log WebSocket against a real server, with real WebSocket clients. */
class LogStreamIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static LiveLogTestServer server;

    @BeforeAll
    static void start() {
        server = LiveLogTestServer.start(dir);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void plainStreamSendsTheBackfillThenLiveLinesAsBareJsonlAndClosesWhenTheJobEnds() throws Exception {
        String job = server.createJob(LiveLogTestServer.TASK);
        server.push(job, "compile", "back", 0, 3);

        try (var client = StreamClient.connect(server.streamUri(job, null))) {
            await().until(() -> client.lines().size() == 3);
            server.push(job, "compile", "live", 0, 2);
            await().until(() -> client.lines().size() == 5);
            server.cancel(job);

            assertThat(client.closeCode()).isEqualTo(1000);
            List<String> lines = client.lines();
            assertThat(lines).isEqualTo(LiveLogTestServer.lines(server.fullLog(job)));
            assertThat(lines).extracting(l -> field(l, "line")).startsWith("back-0", "back-1", "back-2", "live-0", "live-1");
            for (String line : lines) {
                JsonNode node = JSON.readTree(line);
                assertThat(node.fieldNames()).toIterable().containsExactly("ts", "stream", "step", "line");
            }
            assertThat(lines).extracting(l -> field(l, "line"))
                    .as("the cancel and the hook that failed while finalising are in the stream")
                    .anyMatch(l -> l.startsWith("[orchestrator] Job cancelled"))
                    .anyMatch(l -> l.startsWith("[hooks] Hook 'notify' could not start"));
        }
    }

    @Test
    void unknownJobIsRefusedWith404AndAMalformedIdWith400BeforeTheUpgrade() throws IOException {
        try (var raw = RawUpgrade.open(server.port(), "/api/jobs/00000000-0000-4000-8000-00000000dead/logs/stream", Map.of())) {
            assertThat(raw.status).isEqualTo(404);
            assertThat(JSON.readTree(raw.body()).get("error").asText()).isEqualTo("no job with id 00000000-0000-4000-8000-00000000dead");
        }
        try (var raw = RawUpgrade.open(server.port(), "/api/jobs/no-such-job/logs/stream", Map.of())) {
            assertThat(raw.status).isEqualTo(400);
            assertThat(JSON.readTree(raw.body()).get("error").asText()).contains("no-such-job").contains("UUID");
        }
    }

    @Test
    void badParametersAreRefusedWith400AndAnUnknownStepWith404() throws IOException {
        String job = server.createJob(LiveLogTestServer.TASK);
        Map<String, Integer> cases = Map.of(
                "from=-1", 400, "from=ten", 400, "step=../etc", 400, "skip_backfill=maybe", 400,
                "control=yes-please", 400, "from=3&skip_backfill=true", 400, "step=nope", 404);
        for (var c : cases.entrySet()) {
            try (var raw = RawUpgrade.open(server.port(), "/api/jobs/" + job + "/logs/stream?" + c.getKey(), Map.of())) {
                assertThat(raw.status).as(c.getKey()).isEqualTo(c.getValue());
                assertThat(JSON.readTree(raw.body()).get("error").asText()).as(c.getKey()).isNotBlank();
            }
        }
        server.cancel(job);
    }

    @Test
    void seamBetweenBackfillAndLiveLosesAndRepeatsNothingWhileLinesArriveDuringTheConnect() throws Exception {
        for (int round = 0; round < 50; round++) {
            String job = server.createJob(LiveLogTestServer.TASK);
            server.push(job, "compile", "pre", 0, 50);
            var pusher = new Thread(() -> {
                for (int b = 0; b < 40; b++) {
                    server.push(job, b % 2 == 0 ? "compile" : "test", "during", b * 5, 5);
                }
            });
            pusher.start();
            // Connect while the batches arrive: some land before the subscription, some during the backfill, some after.
            try (var plain = StreamClient.connect(server.streamUri(job, null));
                 var control = StreamClient.connect(server.streamUri(job, "control=true"))) {
                pusher.join();
                server.cancel(job);
                assertThat(plain.closeCode()).isEqualTo(1000);
                assertThat(control.closeCode()).isEqualTo(1000);
                List<String> expected = LiveLogTestServer.lines(server.fullLog(job));
                assertThat(expected).hasSizeGreaterThanOrEqualTo(252);
                assertThat(plain.lines()).as("round %d, plain", round).isEqualTo(expected);
                assertThat(control.envelopeLines()).as("round %d, control", round).isEqualTo(expected);
                assertContiguous(control.envelopes(), 0, expected.size());
            }
        }
    }

    @Test
    void controlModeSendsPositionFirstThenContiguousLinesThenEnd() throws Exception {
        String job = server.createJob(LiveLogTestServer.TASK);
        server.push(job, "compile", "a", 0, 4);
        try (var client = StreamClient.connect(server.streamUri(job, "control=true"))) {
            await().until(() -> client.envelopeLines().size() == 4);
            server.push(job, "test", "b", 0, 3);
            await().until(() -> client.envelopeLines().size() == 7);
            server.cancel(job);
            assertThat(client.closeCode()).isEqualTo(1000);
            List<JsonNode> frames = client.envelopes();
            assertThat(frames.get(0).toString()).isEqualTo("{\"type\":\"position\",\"next\":0}");
            JsonNode end = frames.get(frames.size() - 1);
            int total = LiveLogTestServer.lines(server.fullLog(job)).size();
            assertThat(end.toString()).isEqualTo("{\"type\":\"end\",\"status\":\"cancelled\",\"next\":" + total + "}");
            assertContiguous(frames, 0, total);
            assertThat(client.envelopeLines()).isEqualTo(LiveLogTestServer.lines(server.fullLog(job)));
        }
    }

    @Test
    void stepFilterSendsOnlyThatStepsLinesWhilePositionsCountEveryLine() throws Exception {
        String job = server.createJob(LiveLogTestServer.TASK);
        server.push(job, "compile", "c", 0, 5);
        server.push(job, "test", "t", 0, 5);
        try (var events = StreamClient.connect(server.streamUri(job, "step=_server"));
             var compile = StreamClient.connect(server.streamUri(job, "step=compile&control=true"))) {
            server.push(job, "compile", "c", 5, 5);
            await().until(() -> compile.envelopeLines().size() == 10);
            server.cancel(job);
            assertThat(events.closeCode()).isEqualTo(1000);
            assertThat(compile.closeCode()).isEqualTo(1000);

            List<String> all = LiveLogTestServer.lines(server.fullLog(job));
            assertThat(events.lines()).isEqualTo(all.stream().filter(l -> field(l, "step").equals("_server")).toList());
            assertThat(events.lines()).extracting(l -> field(l, "line")).satisfiesExactly(
                    l -> assertThat(l).isEqualTo("[orchestrator] Job cancelled by api"),
                    l -> assertThat(l).startsWith("[hooks] Hook 'notify' could not start"));
            assertThat(events.lines()).allSatisfy(l -> assertThat(field(l, "stream")).isEqualTo("stderr"));
            assertThat(compile.envelopeLines()).isEqualTo(all.stream().filter(l -> field(l, "step").equals("compile")).toList());
            List<JsonNode> frames = compile.envelopes();
            assertContiguous(frames, 0, all.size());
            assertThat(frames.get(frames.size() - 1).get("next").asLong()).isEqualTo(all.size());
        }
    }

    @Test
    void skipBackfillSendsOnlyNewLinesAndTheUpgradeTellsWhereTheStreamStarts() throws Exception {
        String job = server.createJob(LiveLogTestServer.TASK);
        server.push(job, "compile", "old", 0, 7);
        try (var raw = RawUpgrade.open(server.port(), "/api/jobs/" + job + "/logs/stream?skip_backfill=true", Map.of())) {
            assertThat(raw.status).isEqualTo(101);
            assertThat(raw.head).containsIgnoringCase(LogStreamApi.POSITION_HEADER + ": 7\r\n");
        }
        try (var client = StreamClient.connect(server.streamUri(job, "skip_backfill=true"))) {
            server.push(job, "compile", "new", 0, 2);
            await().until(() -> client.lines().size() == 2);
            assertThat(client.lines()).extracting(l -> field(l, "line")).containsExactly("new-0", "new-1");
            server.cancel(job);
            assertThat(client.closeCode()).isEqualTo(1000);
        }
    }

    @Test
    void aTerminalJobGetsItsWholeLogThenANormalClose() throws Exception {
        String job = server.createJob(LiveLogTestServer.TASK);
        server.push(job, "compile", "x", 0, 20_000);
        server.cancel(job);
        await().until(() -> server.fullLog(job).contains("[hooks]")); // finalised

        try (var plain = StreamClient.connect(server.streamUri(job, null));
             var control = StreamClient.connect(server.streamUri(job, "control=true&from=19990"))) {
            assertThat(plain.closeCode()).isEqualTo(1000);
            assertThat(plain.lines()).isEqualTo(LiveLogTestServer.lines(server.fullLog(job)));
            assertThat(control.closeCode()).isEqualTo(1000);
            List<String> all = LiveLogTestServer.lines(server.fullLog(job));
            assertThat(control.envelopeLines()).isEqualTo(all.subList(19990, all.size()));
            JsonNode end = control.envelopes().get(control.envelopes().size() - 1);
            assertThat(end.get("type").asText()).isEqualTo("end");
            assertThat(end.get("status").asText()).isEqualTo("cancelled");
            assertThat(end.get("next").asLong()).isEqualTo(all.size());
        }
    }

    @Test
    void aRunningJobsStreamClosesNormallyOnceTheJobCompletedAndEveryLineWasSent() throws Exception {
        String job = server.createJob(LiveLogTestServer.ONE_STEP_TASK);
        try (var client = StreamClient.connect(server.streamUri(job, "control=true"))) {
            server.push(job, "only", "out", 0, 3);
            server.completeAllSteps(job);
            assertThat(client.closeCode()).isEqualTo(1000);
            assertThat(client.envelopeLines()).extracting(l -> field(l, "line")).containsExactly("out-0", "out-1", "out-2");
            JsonNode end = client.envelopes().get(client.envelopes().size() - 1);
            assertThat(end.get("status").asText()).isEqualTo("completed");
            assertThat(end.get("next").asLong()).isEqualTo(3);
        }
    }

    @Test
    void aClientResumesWithFromExactlyWhereItLeft() throws Exception {
        String job = server.createJob(LiveLogTestServer.TASK);
        server.push(job, "compile", "a", 0, 10);
        long next;
        try (var first = StreamClient.connect(server.streamUri(job, "control=true"))) {
            await().until(() -> first.envelopeLines().size() == 10);
            first.disconnect();
            first.closeCode();
            List<JsonNode> frames = first.envelopes();
            next = frames.get(frames.size() - 1).get("next").asLong();
        }
        assertThat(next).isEqualTo(10);
        server.push(job, "compile", "b", 0, 5); // while nobody watches
        try (var again = StreamClient.connect(server.streamUri(job, "from=" + next))) {
            server.push(job, "compile", "c", 0, 5);
            await().until(() -> again.lines().size() == 10);
            assertThat(again.lines()).isEqualTo(LiveLogTestServer.lines(server.fullLog(job)).subList(10, 20));
            server.cancel(job);
            assertThat(again.closeCode()).isEqualTo(1000);
        }
    }

    @Test
    void aDepartedViewerIsReleased() throws Exception {
        String job = server.createJob(LiveLogTestServer.TASK);
        var client = StreamClient.connect(server.streamUri(job, null));
        await().until(() -> server.metric("stroem_log_stream_viewers") >= 1);
        client.disconnect();
        client.closeCode();
        await().until(() -> server.metric("stroem_log_stream_viewers") == 0);
        server.cancel(job);
    }

    /** Every {@code lines} frame starts where the previous frame left off, from {@code start} to {@code end}. */
    static void assertContiguous(List<JsonNode> frames, long start, long end) {
        long at = start;
        for (JsonNode f : frames) {
            switch (f.get("type").asText()) {
                case "position" -> {
                    assertThat(f.get("next").asLong()).isGreaterThanOrEqualTo(at);
                    at = f.get("next").asLong();
                }
                case "lines" -> {
                    assertThat(f.get("first").asLong()).as("frame %s", f).isEqualTo(at);
                    assertThat(f.get("next").asLong()).isGreaterThan(at);
                    at = f.get("next").asLong();
                }
                case "end" -> {
                    assertThat(f.get("next").asLong()).isGreaterThanOrEqualTo(at); // after filtered-out lines
                    at = f.get("next").asLong();
                }
                default -> throw new AssertionError("unknown frame " + f);
            }
        }
        assertThat(at).isEqualTo(end);
    }

    static String field(String jsonLine, String field) {
        try {
            return JSON.readTree(jsonLine).get(field).asText();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
