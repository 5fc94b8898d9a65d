package dev.stroem.logs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stroem.storage.LocalDirectoryStore;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole life of a job's log on the local backends: live, archived, local copy gone, read back. */
class LocalArchiveRoundTripIT {

    @TempDir
    Path dir;

    @Test
    void appendArchiveDeleteLocalThenReadFromArchive() throws Exception {
        Path logs = dir.resolve("logs");
        Path archiveDir = dir.resolve("archive");
        JobLogRef ref = new JobLogRef("0b6c3f0e-1d2a", "default", "hello-world",
                Instant.parse("2025-02-12T10:56:45Z"), false, null);

        LocalLogStore store = new LocalLogStore(logs);
        List<LogLine> lines = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            lines.add(new LogLine(Instant.parse("2025-02-12T10:56:46Z").plusMillis(i), LogStream.STDOUT,
                    i % 2 == 0 ? "say-hello" : "say", "line " + i));
        }
        for (int b = 0; b < 6; b++) {
            store.append(ref.jobId(), "batch-" + b, lines.subList(b * 500, b * 500 + 500));
        }
        new ServerEvents(store, Clock.systemUTC()).write(ref.jobId(), null, "hooks", "on_success ran");
        byte[] liveBytes = Files.readAllBytes(logs.resolve(ref.jobId() + ".jsonl"));

        LocalDirectoryStore archive = new LocalDirectoryStore(archiveDir);
        ArchiveResult archived = new LogArchiver(store, archive, "logs/").archive(ref);
        assertThat(archived.archived()).isTrue();
        assertThat(archiveDir.resolve(archived.key())).exists();
        // What the log state records for an archived job: its size, its key and its line count.
        JobLogRef ended = new JobLogRef(ref.jobId(), ref.workspace(), ref.taskName(), ref.createdAt(), true,
                archived.uncompressedBytes(), archived.key(), archived.lines());

        // the server restarts and retention has removed the local copy
        store.close();
        LocalLogStore restarted = new LocalLogStore(logs);
        restarted.delete(ref.jobId());
        assertThat(logs.resolve(ref.jobId() + ".jsonl")).doesNotExist();

        JobLogReader reader = new JobLogReader(restarted, new LocalDirectoryStore(archiveDir), "logs/",
                JobLogReader.MergeSettings.defaults());
        try (JobLogRead read = reader.read(ended, LogQuery.all())) {
            assertThat(read.source()).isEqualTo(LogSource.ARCHIVE);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            read.cursor().writeTo(out);
            assertThat(out.toByteArray()).isEqualTo(liveBytes);
        }
        try (JobLogRead read = reader.read(ended, LogQuery.all().withStep("say"))) {
            assertThat(TestLines.drain(read.cursor())).hasSize(1500)
                    .allMatch(r -> r.text().contains("\"step\":\"say\""));
        }
        try (JobLogRead read = reader.read(ended, LogQuery.all().withStep("_server"))) {
            assertThat(TestLines.drain(read.cursor())).singleElement()
                    .satisfies(r -> assertThat(r.text()).contains("[hooks] on_success ran"));
        }
        try (JobLogRead read = reader.read(ended, LogQuery.all().withTailBytes(200))) {
            assertThat(read.source()).isEqualTo(LogSource.ARCHIVE);
            List<LogRecord> tail = TestLines.drain(read.cursor());
            assertThat(tail).isNotEmpty();
            assertThat(tail.get(tail.size() - 1).index()).isEqualTo(3000);
            assertThat(read.cursor().byteWindow().orElseThrow().totalBytes()).isEqualTo(liveBytes.length);
        }

        // retention removes the archive too: the job has no log anywhere
        new LogArchiver(restarted, archive, "logs/").deleteArchived(ended);
        try (JobLogRead read = reader.read(ended, LogQuery.all())) {
            assertThat(read.source()).isEqualTo(LogSource.NONE);
            assertThat(read.cursor().hasNext()).isFalse();
        }
    }
}
