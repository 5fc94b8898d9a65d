package dev.stroem.logs.archive;

import dev.stroem.config.ArchiveConfig;
import java.nio.file.Path;

/** The {@code type: local} branch of {@link LogArchiveFactory}: the archive is a directory, {@code {path}/{key}}. */
final class LocalArchiveBackend {

    private LocalArchiveBackend() {}

    static LogArchive open(ArchiveConfig config) {
        return new LocalDirectoryArchive(Path.of(config.path()));
    }
}
