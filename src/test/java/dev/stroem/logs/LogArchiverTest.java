package dev.stroem.logs;

import static dev.stroem.logs.TestLines.batch;
import static dev.stroem.logs.TestLines.out;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stroem.storage.LocalDirectoryStore;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogArchiverTest {

    @TempDir
    Path dir;

    private final JobLogRef ref = new JobLogRef("job-1", "default", "hello-world",
            Instant.parse("2025-02-12T10:56:45.999Z"), true, null);

    @Test
    void archivedObjectIsTheGzipOfExactlyTheLocalFile() throws Exception {
        LocalLogStore store = new LocalLogStore(dir.resolve("logs"));
        for (int b = 0; b < 20; b++) {
            store.append("job-1", batch("s", "batch " + b + " with text é😀 \"quoted\" ", 500));
        }
        LocalDirectoryStore archive = new LocalDirectoryStore(dir.resolve("archive"));
        LogArchiver archiver = new LogArchiver(store, archive, "logs/");

        ArchiveResult result = archiver.archive(ref);

        byte[] local = Files.readAllBytes(dir.resolve("logs/job-1.jsonl"));
        Path object = dir.resolve("archive/logs/default/hello-world/2025/02/12/2025-02-12T10-56-45_job-1.jsonl.gz");
        assertThat(result).isEqualTo(new ArchiveResult(
                "logs/default/hello-world/2025/02/12/2025-02-12T10-56-45_job-1.jsonl.gz", true, local.length,
                Files.size(object), false, 20 * 500));
        try (InputStream in = new GZIPInputStream(Files.newInputStream(object))) {
            assertThat(in.readAllBytes()).isEqualTo(local);
        }
        assertThat(result.compressedBytes()).isLessThan(local.length);
        assertThat(store.openHandleCount()).as("archive closes the job's handle").isZero();
    }

    @Test
    void linesAppendedAfterArchivingStayLocal() throws Exception {
        LocalLogStore store = new LocalLogStore(dir.resolve("logs"));
        store.append("job-1", List.of(out("s", "before")));
        LocalDirectoryStore archive = new LocalDirectoryStore(dir.resolve("archive"));
        ArchiveResult result = new LogArchiver(store, archive, "").archive(ref);
        store.append("job-1", List.of(out("_server", "after")));

        try (InputStream in = new GZIPInputStream(archive.open(result.key()).orElseThrow())) {
            assertThat(new String(in.readAllBytes())).contains("before").doesNotContain("after");
        }
        assertThat(result.uncompressedBytes()).isLessThan(store.size("job-1"));
    }

    @Test
    void jobWithoutLocalLogArchivesNothing() {
        LocalLogStore store = new LocalLogStore(dir.resolve("logs"));
        LocalDirectoryStore archive = new LocalDirectoryStore(dir.resolve("archive"));
        ArchiveResult result = new LogArchiver(store, archive, "").archive(ref);
        assertThat(result.archived()).isFalse();
        assertThat(result.uncompressedBytes()).isZero();
        assertThat(archive.open(result.key())).isEmpty();
    }

    @Test
    void deleteArchivedRemovesTheObject() {
        LocalLogStore store = new LocalLogStore(dir.resolve("logs"));
        store.append("job-1", List.of(out("s", "x")));
        LocalDirectoryStore archive = new LocalDirectoryStore(dir.resolve("archive"));
        LogArchiver archiver = new LogArchiver(store, archive, "");
        ArchiveResult result = archiver.archive(ref);
        assertThat(archive.open(result.key())).isPresent();
        var archived = new JobLogRef(ref.jobId(), ref.workspace(), ref.taskName(), ref.createdAt(), true,
                result.uncompressedBytes(), result.key(), result.lines());
        archiver.deleteArchived(archived);
        assertThat(archive.open(result.key())).isEmpty();
        archiver.deleteArchived(archived); // already gone: fine
        archiver.deleteArchived(ref); // never archived: no key recorded, nothing to delete
    }

    @Test
    void reArchivingAfterTheLocalLogWasRecreatedKeepsTheArchivedLines() throws Exception {
        LocalLogStore store = new LocalLogStore(dir.resolve("logs"));
        LocalDirectoryStore archive = new LocalDirectoryStore(dir.resolve("archive"));
        LogArchiver archiver = new LogArchiver(store, archive, "", new JobLogReader(store, archive, "",
                JobLogReader.MergeSettings.defaults()));
        store.append("job-1", List.of(out("s", "first"), out("s", "second")));
        ArchiveResult first = archiver.archive(ref);
        assertThat(first.mergedWithArchived()).isFalse();
        assertThat(first.archivedBytesForReads()).isEqualTo(store.size("job-1"));

        store.delete("job-1");
        store.append("job-1", List.of(out("_server", "late")));
        ArchiveResult again = archiver.archive(ref.archived(first.uncompressedBytes()));

        assertThat(again.mergedWithArchived()).isTrue();
        assertThat(again.archivedBytesForReads()).as("reads must keep merging").isNull();
        try (InputStream in = new GZIPInputStream(archive.open(again.key()).orElseThrow())) {
            assertThat(new String(in.readAllBytes())).contains("\"first\"", "\"second\"", "\"late\"");
        }
    }

    @Test
    void defect1_reArchiveAbortsWhenTheArchiveResetsMidRead_andTheArchivedObjectStaysWhole() throws Exception {
        LocalLogStore store = new LocalLogStore(dir.resolve("logs"));
        LocalDirectoryStore real = new LocalDirectoryStore(dir.resolve("archive"));
        var random = new java.util.Random(42);
        List<LogLine> lines = new java.util.ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            lines.add(new LogLine(TestLines.T0.plusMillis(i), LogStream.STDOUT, "s",
                    "line " + i + " " + Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong())));
        }
        store.append("job-1", lines);
        ArchiveResult first = new LogArchiver(store, real, "").archive(ref);
        assertThat(first.compressedBytes()).as("big enough to reset in the middle").isGreaterThan(300_000);
        byte[] archivedBefore = Files.readAllBytes(dir.resolve("archive").resolve(first.key()));
        // The local log is lost and a late line re-creates it: the re-archive must be the union.
        store.delete("job-1");
        store.append("job-1", List.of(new LogLine(TestLines.T0.plusSeconds(60), LogStream.STDERR, "_server", "late")));
        // The union reads the archive twice (an order check, then the merge); the second read resets.
        var resetting = new ResetMidReadObjectStore(real, 2, 100_000);
        LogArchiver archiver = new LogArchiver(store, resetting, "", new JobLogReader(store, resetting, "",
                JobLogReader.MergeSettings.defaults()));

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> archiver.archive(ref.archived(first.uncompressedBytes())))
                .hasStackTraceContaining("Connection reset");

        assertThat(Files.readAllBytes(dir.resolve("archive").resolve(first.key())))
                .as("not replaced by a truncated copy").isEqualTo(archivedBefore);
    }

    @Test
    void reArchivingFailsRatherThanOverwriteAnArchiveItCannotRead_CorruptObject() throws Exception {
        LocalLogStore store = new LocalLogStore(dir.resolve("logs"));
        LocalDirectoryStore archive = new LocalDirectoryStore(dir.resolve("archive"));
        LogArchiver archiver = new LogArchiver(store, archive, "", new JobLogReader(store, archive, "",
                JobLogReader.MergeSettings.defaults()));
        store.append("job-1", List.of(out("s", "late")));
        String key = ArchiveKey.of("", ref);
        archive.put(key, out -> out.write("not gzip".getBytes()));

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> archiver.archive(ref.archived(9999)))
                .isInstanceOf(dev.stroem.storage.StorageException.class);
        try (InputStream in = archive.open(key).orElseThrow()) {
            assertThat(new String(in.readAllBytes())).isEqualTo("not gzip");
        }
    }
}
