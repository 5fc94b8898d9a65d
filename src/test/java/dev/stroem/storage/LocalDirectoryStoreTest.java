package dev.stroem.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalDirectoryStoreTest {

    @TempDir
    Path dir;

    private static String read(InputStream in) throws IOException {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void writesKeysAsNestedFilesAndReadsThemBack() throws IOException {
        LocalDirectoryStore archive = new LocalDirectoryStore(dir.resolve("archive"));
        archive.put("logs/ws/task/2025/02/12/x.jsonl.gz", out -> out.write("content".getBytes(StandardCharsets.UTF_8)));
        assertThat(dir.resolve("archive/logs/ws/task/2025/02/12/x.jsonl.gz")).hasContent("content");
        assertThat(read(archive.open("logs/ws/task/2025/02/12/x.jsonl.gz").orElseThrow())).isEqualTo("content");
        assertThat(archive.describe()).isEqualTo("local:" + dir.resolve("archive"));
    }

    @Test
    void absentObjectsOpenEmptyAndDeleteQuietly() {
        LocalDirectoryStore archive = new LocalDirectoryStore(dir);
        assertThat(archive.open("no/such.gz")).isEmpty();
        archive.delete("no/such.gz");
        archive.put("a.gz", out -> out.write(1));
        archive.delete("a.gz");
        assertThat(archive.open("a.gz")).isEmpty();
    }

    @Test
    void failedWriteLeavesNeitherObjectNorTemporaryFile() throws IOException {
        LocalDirectoryStore archive = new LocalDirectoryStore(dir);
        archive.put("k/obj.gz", out -> out.write("old".getBytes(StandardCharsets.UTF_8)));
        assertThatThrownBy(() -> archive.put("k/obj.gz", out -> {
            out.write("half of the new".getBytes(StandardCharsets.UTF_8));
            throw new IOException("upload source failed");
        })).isInstanceOf(StorageException.class);
        assertThat(read(archive.open("k/obj.gz").orElseThrow())).isEqualTo("old");
        try (Stream<Path> files = Files.list(dir.resolve("k"))) {
            assertThat(files).extracting(p -> p.getFileName().toString()).containsExactly("obj.gz");
        }
    }

    @Test
    void readerNeverSeesAHalfWrittenObject() throws Exception {
        LocalDirectoryStore archive = new LocalDirectoryStore(dir);
        CountDownLatch halfWritten = new CountDownLatch(1);
        CountDownLatch checked = new CountDownLatch(1);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        Future<?> writer = pool.submit(() -> archive.put("obj.gz", out -> {
            out.write(new byte[1 << 20]);
            out.flush();
            halfWritten.countDown();
            try {
                checked.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            out.write(new byte[1 << 20]);
        }));
        assertThat(halfWritten.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(archive.open("obj.gz")).isEmpty();
        checked.countDown();
        writer.get(10, TimeUnit.SECONDS);
        pool.shutdown();
        try (InputStream in = archive.open("obj.gz").orElseThrow()) {
            assertThat(in.readAllBytes()).hasSize(2 << 20);
        }
    }

    @Test
    void keysCannotEscapeTheArchiveDirectory() {
        LocalDirectoryStore archive = new LocalDirectoryStore(dir.resolve("archive"));
        for (String key : List.of("../outside.gz", "a/../../outside.gz", "/etc/passwd", "a\\..\\b", "a//b", "", "a/./b",
                "nul\0byte")) {
            assertThatThrownBy(() -> archive.put(key, out -> out.write(1)))
                    .as(key).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("archive key");
            assertThatThrownBy(() -> archive.open(key)).as(key).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> archive.delete(key)).as(key).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(dir.resolve("outside.gz")).doesNotExist();
    }
}
