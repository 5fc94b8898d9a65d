package dev.stroem.web;

import static dev.stroem.web.WorkerApiContract.lineTexts;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** With a local-directory archive: an ended job's log is archived, readable from there, and kept complete. */
abstract class ArchiveApiContract extends ServerContract {

    @Override
    TestServer.Config configure(TestServer.Config config) {
        return config.localArchive(dir.resolve("archive"));
    }

    @Test
    void anEndedJobsLogIsArchivedReadFromTheArchiveAndReArchivedWhenLateLinesArrive() throws IOException {
        String jobId = execute("needs-token", Map.of("token", "t"));
        String w = worker.register("w");
        worker.run(w, jobId, "only", "first", "second");
        awaitJobStatus(jobId, "completed");

        eventually().until(() -> "archived".equals(job(jobId).at("/archive/state").asText()));
        String key = job(jobId).at("/archive/key").asText();
        assertThat(key).startsWith("default/needs-token/").endsWith("_" + jobId + ".jsonl.gz");
        assertThat(Files.exists(dir.resolve("archive").resolve(key))).isTrue();
        String local = logs("/api/jobs/" + jobId + "/logs");

        // The local file is lost: the archive answers, with the same lines.
        Files.delete(server.logDir().resolve(jobId + ".jsonl"));
        var fromArchive = api.get("/api/jobs/" + jobId + "/logs");
        assertThat(fromArchive.header(LogsApi.SOURCE_HEADER)).hasValue("archive");
        assertThat(fromArchive.json().path("logs").asText()).isEqualTo(local);
        assertThat(lineTexts(api.get("/api/jobs/" + jobId + "/logs/raw?step=only").body())).containsExactly("first", "second");

        // A late batch is stored and the archive brought up to date.
        worker.stdout(jobId, "only", "late");
        eventually().until(() -> lineTexts(logs("/api/jobs/" + jobId + "/logs")).equals(
                java.util.List.of("first", "second", "late")));
        eventually().until(() -> "archived".equals(job(jobId).at("/archive/state").asText())
                && job(jobId).at("/archive/archived_generation").asLong() == job(jobId).at("/archive/generation").asLong()
                && job(jobId).at("/archive/generation").asLong() >= 2);
        try (Stream<Path> files = Files.walk(dir.resolve("archive"))) {
            assertThat(files.filter(Files::isRegularFile).filter(f -> !f.toString().endsWith(".tmp"))).hasSize(1);
        }
        // The re-archive kept what only the earlier archive held: the local file had "late" alone.
        try (var in = new java.util.zip.GZIPInputStream(Files.newInputStream(dir.resolve("archive").resolve(key)))) {
            assertThat(lineTexts(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)))
                    .containsExactlyInAnyOrder("first", "second", "late");
        }
    }
}
