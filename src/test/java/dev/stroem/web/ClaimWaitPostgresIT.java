package dev.stroem.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClaimWaitPostgresIT extends ClaimWaitContract {
    private TestDatabase database;

    @Override
    TestDatabase database(Path dir) {
        database = TestDatabase.postgres();
        return database;
    }

    @Test
    void aStepMadeReadyOnOneReplicaWakesAClaimWaitingOnAnother() throws Exception {
        // A second replica on the same PostgreSQL database, with folders of its own.
        try (var other = TestServer.in(dir.resolve("replica-b"), database.url()).start()) {
            String w = other.worker().register("w-on-b");
            var claim = waitingClaim(other, w, LONG_WAIT);
            eventually().until(() -> metric(other, "stroem_claims_waiting") == 1);

            String jobId = execute("needs-token", Map.of("token", "t")); // on replica A

            JsonNode answer = answerOf(claim);
            assertThat(answer.path("job_id").asText()).isEqualTo(jobId);
            assertThat(answer.path("step_name").asText()).isEqualTo("only");
            other.worker().start(jobId, "only", w);
            assertThat(metric(other, "stroem_step_claims_total")).isEqualTo(1);
            assertThat(metric(server, "stroem_step_claims_total")).isZero();
        }
    }
}
