package dev.stroem.jobs;

import static dev.stroem.jobs.ServerFixture.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stroem.storage.S3ProxyServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What happens when a job ends, end to end through a real server and a real worker, with the
 * archive on S3 (S3Proxy) and on the local backend: hooks fire and their server events reach the
 * archive, an archive outage during completion survives a server restart, and a line that arrives
 * after archival is archived too. Run against each supported database.
 */
abstract class JobArchivalContract {

    static final String WORKFLOW = """
            actions:
              failing-hook:
                type: script
                script: |
                  echo "hook is about to fail" >&2
                  exit 3
              echo-hook:
                type: script
                input:
                  msg: { type: string }
                script: echo "{{ input.msg }}"

            tasks:
              hooked:
                flow:
                  hello:
                    type: script
                    script: |
                      echo "hello from the step"
                      echo "a warning from the step" >&2
                on_success:
                  - action: failing-hook
              unstartable-hook:
                flow:
                  hello:
                    type: script
                    script: echo "hi"
                on_success:
                  - action: echo-hook
                    input:
                      msg: "{{ throw(message='no_such_field') }}"
              plain:
                flow:
                  hello:
                    type: script
                    script: echo "plain output"
            """;

    @TempDir
    Path dir;

    ServerFixture server;
    S3ProxyServer s3;
    String bucket;

    /** The database URL for the server, or null for SQLite under the test's directory. */
    abstract String databaseUrl();

    @BeforeEach
    void setUp() {
        server = new ServerFixture(dir).workflow("jobs.yaml", WORKFLOW);
        if (databaseUrl() != null) {
            server.withDatabase(databaseUrl());
        }
    }

    @AfterEach
    void tearDown() {
        server.close();
        if (s3 != null) {
            s3.stop();
        }
    }

    private void startS3() {
        s3 = new S3ProxyServer().withFilesystemStore(dir.resolve("s3")).start();
        bucket = "logs-" + UUID.randomUUID().toString().substring(0, 8);
        s3.createBucket(bucket);
        server.withArchive(s3.archiveConfig(bucket, "logs/"));
    }

    /** The archived object of the job as the archive holds it (gunzipped), or null when there is none yet. */
    private byte[] archivedObject(String key) {
        try {
            if (s3 != null) {
                var blob = s3.blobStore().getBlob(bucket, key);
                if (blob == null) {
                    return null;
                }
                try (InputStream in = blob.getPayload().openStream()) {
                    return gunzip(in.readAllBytes());
                }
            }
            Path file = server.localArchiveDir().resolve(key);
            return Files.exists(file) ? gunzip(Files.readAllBytes(file)) : null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] gunzip(byte[] gz) throws IOException {
        try (var in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            return in.readAllBytes();
        }
    }

    private String archivedText(String jobId) {
        String key = server.job(jobId).path("archive").path("key").asText(null);
        if (key == null) {
            return "";
        }
        byte[] object = archivedObject(key);
        return object == null ? "" : new String(object, StandardCharsets.UTF_8);
    }

    private static String serverEventLine(String text) {
        // As the JSONL holds it: the stderr tail's line break is escaped.
        return "\"stream\":\"stderr\",\"step\":\"_server\",\"line\":\"" + text.replace("\n", "\\n");
    }

    private void hookFailureEventEndsUpInTheArchive() {
        server.start().startWorker("w1");
        String jobId = server.execute("hooked", Map.of());

        var job = server.awaitStatus(jobId, "completed");
        assertThat(job.path("source_type").asText()).isEqualTo("api");
        var hookJobs = server.awaitJob(jobId, j -> j.path("hook_jobs").size() == 1
                && "failed".equals(j.path("hook_jobs").get(0).path("status").asText())).path("hook_jobs");
        assertThat(hookJobs.get(0).path("source_type").asText()).isEqualTo("hook");
        assertThat(hookJobs.get(0).path("source_id").asText()).isEqualTo(jobId);
        String event = "[hooks] Hook 'failing-hook' failed: Exit code: 3\nStderr: hook is about to fail";
        eventually().untilAsserted(() -> assertThat(server.serverEvents(jobId)).containsExactly(event));

        // The event came after the job was first archived: the archive is brought up to date.
        eventually().untilAsserted(() -> assertThat(archivedText(jobId)).contains(serverEventLine(event)));
        var archived = server.awaitArchivedUpToDate(jobId);
        String text = archivedText(jobId);
        assertThat(text).contains("hello from the step", "a warning from the step", serverEventLine(event));
        assertThat(archived.path("archive").path("key").asText())
                .startsWith("logs/default/hooked/").endsWith("_" + jobId + ".jsonl.gz");
        assertThat(Instant.parse(archived.path("archive").path("archived_at").asText())).isNotNull();
    }

    @Test
    void hookFailureEvent_isInTheArchiveObject_localBackend() {
        server.withArchive(server.localArchive());
        hookFailureEventEndsUpInTheArchive();
    }

    @Test
    void hookFailureEvent_isInTheArchiveObject_s3() {
        startS3();
        hookFailureEventEndsUpInTheArchive();
    }

    @Test
    void hookThatCannotStart_writesItsEventBeforeTheFirstArchival() {
        server.withArchive(server.localArchive()).start().startWorker("w1");
        String jobId = server.execute("unstartable-hook", Map.of());

        var job = server.awaitArchivedUpToDate(jobId);

        assertThat(job.path("status").asText()).isEqualTo("completed");
        assertThat(job.path("hook_jobs")).isEmpty();
        assertThat(job.path("archive").path("generation").asLong()).as("archived once, event included").isEqualTo(1);
        assertThat(server.serverEvents(jobId)).singleElement().satisfies(e -> assertThat(e)
                .startsWith("[hooks] Hook 'echo-hook' could not start: ").contains("no_such_field"));
        assertThat(archivedText(jobId)).contains(serverEventLine("[hooks] Hook 'echo-hook' could not start: "));
    }

    @Test
    void archiveOutageDuringCompletion_S3ProxyStopped_thenServerRestart_thenS3Back_archiveIsComplete() throws IOException {
        startS3();
        server.start().startWorker("w1");
        s3.stop();

        String jobId = server.execute("hooked", Map.of());
        server.awaitStatus(jobId, "completed");
        String event = "[hooks] Hook 'failing-hook' failed: Exit code: 3\nStderr: hook is about to fail";
        eventually().untilAsserted(() -> assertThat(server.serverEvents(jobId)).containsExactly(event));
        var failing = server.awaitJob(jobId, j -> "failing".equals(j.path("archive").path("state").asText()));
        assertThat(failing.path("archive").path("attempts").asInt()).isPositive();
        assertThat(failing.path("archive").path("last_error").asText()).contains("unreachable");
        // While the upload waits, readers get the local file.
        var logs = server.send("GET", "/api/jobs/" + jobId + "/logs", null, null);
        assertThat(logs.headers().firstValue("X-Stroem-Log-Source")).hasValue("local");
        assertThat(logs.body()).contains("hello from the step");

        server.restart();
        var afterRestart = server.job(jobId).path("archive");
        assertThat(afterRestart.path("state").asText()).isEqualTo("failing");
        assertThat(afterRestart.path("attempts").asInt()).isGreaterThanOrEqualTo(failing.path("archive").path("attempts").asInt());

        s3.start();
        server.clock.advance(Duration.ofMinutes(16)); // past the longest backoff
        var archived = server.awaitArchivedUpToDate(jobId);

        assertThat(archived.path("archive").path("attempts").asInt()).isZero();
        assertThat(archived.path("archive").path("last_error").isMissingNode()
                || archived.path("archive").path("last_error").isNull()).isTrue();
        byte[] object = archivedObject(archived.path("archive").path("key").asText());
        assertThat(object).isEqualTo(Files.readAllBytes(server.logDir().resolve(jobId + ".jsonl")));
        assertThat(new String(object, StandardCharsets.UTF_8))
                .contains("hello from the step", "a warning from the step", serverEventLine(event));
        String hookJob = archived.path("hook_jobs").get(0).path("job_id").asText();
        server.awaitArchivedUpToDate(hookJob);
        assertThat(archivedText(hookJob)).contains("hook is about to fail");
        assertThat(server.send("GET", "/metrics", null, null).body()).contains("stroem_archive_uploads_total");
    }

    @Test
    void lateLineAfterArchival_isReArchived_andTheGenerationBumpShowsInTheJobDetail() {
        startS3();
        server.start().startWorker("w1");
        String jobId = server.execute("plain", Map.of());
        var first = server.awaitArchivedUpToDate(jobId).path("archive");
        long generation = first.path("generation").asLong();
        assertThat(archivedText(jobId)).contains("plain output").doesNotContain("a late line");

        var answer = server.worker("/worker/jobs/" + jobId + "/logs", Map.of("step_name", "hello",
                "batch_id", UUID.randomUUID().toString(),
                "lines", List.of(Map.of("ts", "2030-01-01T00:00:00.000Z", "stream", "stdout", "line", "a late line"))));

        assertThat(answer.path("duplicate").asBoolean()).isFalse();
        assertThat(server.job(jobId).path("archive").path("generation").asLong()).isEqualTo(generation + 1);
        var second = server.awaitArchivedUpToDate(jobId).path("archive");
        assertThat(second.path("archived_generation").asLong()).isEqualTo(generation + 1);
        assertThat(second.path("key").asText()).isEqualTo(first.path("key").asText());
        assertThat(archivedText(jobId)).contains("plain output", "a late line");
        List<JsonNode> lines = server.logLines(jobId, "hello");
        assertThat(lines).extracting(l -> l.path("line").asText()).containsExactly("plain output", "a late line");
    }
}
