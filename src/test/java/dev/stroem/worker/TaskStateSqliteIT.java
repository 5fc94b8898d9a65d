package dev.stroem.worker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Task state on SQLite, snapshots in the local log archive (the default place). */
class TaskStateSqliteIT extends TaskStateContract {
    @Override
    String databaseUrl(Path dir, List<AutoCloseable> cleanup) {
        return "sqlite:" + dir.resolve("db").resolve("stroem.db");
    }

    @Override
    String stateStorageYaml(Path dir) {
        return "state_storage:\n  max_snapshots: " + MAX_SNAPSHOTS + "\n";
    }

    @Override
    long snapshotObjects(String scope) {
        Path folder = dir.resolve("archive").resolve("state/default").resolve(scope);
        if (!Files.isDirectory(folder)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".tar.gz")).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
