package dev.stroem.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The test fixture itself: its on-disk variant stores what the archive writes under the given directory. */
class S3ProxyServerIT {

    @Test
    void filesystemStoreKeepsObjectsUnderItsDirectory(@TempDir Path dir) throws IOException {
        try (var server = new S3ProxyServer().withFilesystemStore(dir).start();
                var archive = S3ObjectStore.create(server.archiveConfig("disk", "logs/"), S3StoreOptions.defaults())) {
            server.createBucket("disk");

            archive.put("logs/ws/task/2025/02/12/2025-02-12T10-56-45_j.jsonl.gz", out -> out.write(new byte[] {31, -117, 8}));

            assertThat(dir.resolve("disk/logs/ws/task/2025/02/12/2025-02-12T10-56-45_j.jsonl.gz")).exists();
            try (var in = archive.open("logs/ws/task/2025/02/12/2025-02-12T10-56-45_j.jsonl.gz").orElseThrow()) {
                assertThat(in.readAllBytes()).containsExactly(31, -117, 8);
            }
            assertThat(Files.isDirectory(dir.resolve("disk"))).isTrue();
        }
    }
}
