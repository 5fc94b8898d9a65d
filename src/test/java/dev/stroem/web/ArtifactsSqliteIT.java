package dev.stroem.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Artifacts on SQLite, in the local log archive under the default {@code artifacts/} prefix (no archive of their own). */
class ArtifactsSqliteIT extends ArtifactsContract {
    @Override
    TestDatabase database(Path dir) {
        return TestDatabase.sqlite(dir);
    }

    @Override
    String storageYaml() {
        return """
                artifact_storage:
                  max_file_bytes: %d
                  max_job_bytes: %d
                """.formatted(MAX_FILE, MAX_JOB);
    }

    @Override
    TestServer.Config configure(TestServer.Config config) {
        return super.configure(config).localArchive(dir.resolve("archive"));
    }

    @Override
    String keyPrefix() {
        return "artifacts/";
    }

    @Override
    byte[] object(String key) {
        Path file = dir.resolve("archive").resolve(key);
        try {
            return Files.exists(file) ? Files.readAllBytes(file) : null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
