package dev.stroem.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** {@link WorkerArtifactsContract} on SQLite, the artifacts in the local log archive (no archive of their own). */
class WorkerArtifactsSqliteIT extends WorkerArtifactsContract {

    @Override
    String databaseUrl() {
        return "sqlite:" + dir.resolve("stroem.db");
    }

    @Override
    String storageYaml() {
        return """
                log_storage:
                  local_dir: "%s"
                  archive:
                    type: local
                    path: "%s"
                artifact_storage:
                  max_file_bytes: %d
                  max_job_bytes: %d
                """.formatted(dir.resolve("logs"), dir.resolve("archive"), MAX_FILE, MAX_JOB);
    }

    @Override
    long storedSize(String jobId, String step, String name) {
        Path file = dir.resolve("archive/artifacts/default").resolve(jobId).resolve(step).resolve(name);
        try {
            return Files.exists(file) ? Files.size(file) : -1;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
