package dev.stroem.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stream with API tokens, a local archive, and a server restart in the middle of a job. */
class LogStreamDurabilityIT {
    private static final String TOKEN = "live-secret";
    private static final Map<String, String> AUTH = Map.of("Authorization", "Bearer " + TOKEN);

    @TempDir
    static Path dir;
    static LiveLogTestServer server;

    @BeforeAll
    static void start() {
        server = LiveLogTestServer.options().apiToken(TOKEN).localArchive().start(dir);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void withApiTokensTheStreamNeedsOneInTheHeaderOrASingleUseTicketInTheQuery() throws Exception {
        String job = server.createJob(LiveLogTestServer.TASK);
        String path = "/api/jobs/" + job + "/logs/stream";
        try (var none = RawUpgrade.open(server.port(), path, Map.of());
             var wrong = RawUpgrade.open(server.port(), path + "?ticket=nope", Map.of());
             var tokenInUrl = RawUpgrade.open(server.port(), path + "?token=" + TOKEN, Map.of())) {
            assertThat(none.status).isEqualTo(401);
            assertThat(new ObjectMapper().readTree(none.body()).get("error").asText()).contains("bearer token");
            assertThat(wrong.status).isEqualTo(401);
            // A long-lived token in a URL ends up in access logs: it is not accepted there.
            assertThat(tokenInUrl.status).isEqualTo(401);
        }
        String ticket = server.ticket();
        try (var byTicket = RawUpgrade.open(server.port(), path + "?ticket=" + ticket, Map.of());
             var byHeader = RawUpgrade.open(server.port(), path, AUTH)) {
            assertThat(byTicket.status).isEqualTo(101);
            assertThat(byHeader.status).isEqualTo(101);
        }
        try (var again = RawUpgrade.open(server.port(), path + "?ticket=" + ticket, Map.of())) {
            assertThat(again.status).as("a ticket is used up by its first use").isEqualTo(401);
            assertThat(new ObjectMapper().readTree(again.body()).get("error").asText()).contains("ticket");
        }
        server.cancel(job);
    }

    @Test
    void aFinishedJobWhoseLocalLogIsGoneIsStreamedFromTheArchive() throws Exception {
        String job = server.createJob(LiveLogTestServer.TASK);
        server.push(job, "compile", "kept", 0, 500);
        server.cancel(job);
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            JsonNode archive = server.job(job).get("archive");
            return archive != null && "archived".equals(archive.path("state").asText());
        });
        List<String> expected = LiveLogTestServer.lines(server.fullLog(job));
        assertThat(expected).hasSize(502);
        Files.delete(server.logDir().resolve(job + ".jsonl"));

        try (var client = StreamClient.connect(server.streamUri(job, "ticket=" + server.ticket() + "&control=true"))) {
            assertThat(client.closeCode()).isEqualTo(1000);
            assertThat(client.envelopeLines()).isEqualTo(expected);
            JsonNode end = client.envelopes().get(client.envelopes().size() - 1);
            assertThat(end.get("status").asText()).isEqualTo("cancelled");
            assertThat(end.get("next").asLong()).isEqualTo(502);
        }
    }

    @Test
    void aClientResumesWithFromAcrossAServerRestart() {
        String job = server.createJob(LiveLogTestServer.TASK);
        server.push(job, "compile", "before", 0, 10);
        var seen = new ArrayList<String>();
        long next;
        try (var client = StreamClient.connect(server.streamUri(job, "control=true"), AUTH)) {
            await().until(() -> client.envelopeLines().size() == 10);
            server.push(job, "test", "before", 10, 5);
            await().until(() -> client.envelopeLines().size() == 15);
            server.restart();
            assertThat(client.closeCode()).as("the old server went away").isNotEqualTo(1000);
            seen.addAll(client.envelopeLines());
            List<JsonNode> frames = client.envelopes();
            next = frames.get(frames.size() - 1).get("next").asLong();
        }
        assertThat(next).isEqualTo(15);

        server.push(job, "test", "after", 0, 3); // logged while the viewer reconnects
        try (var client = StreamClient.connect(server.streamUri(job, "control=true&from=" + next), AUTH)) {
            server.push(job, "test", "after", 3, 3);
            await().until(() -> client.envelopeLines().size() == 6);
            server.cancel(job);
            assertThat(client.closeCode()).isEqualTo(1000);
            LogStreamIT.assertContiguous(client.envelopes(), next, LiveLogTestServer.lines(server.fullLog(job)).size());
            seen.addAll(client.envelopeLines());
        }
        assertThat(seen).isEqualTo(LiveLogTestServer.lines(server.fullLog(job)));
    }
}
