package dev.stroem.logs.archive;

import dev.stroem.config.ArchiveConfig;
import dev.stroem.config.LogStorageConfig;
import java.util.Optional;

/**
 * Builds the archive backend a configuration asks for. The configuration is expected to have
 * passed {@code ConfigLoader}'s validation (type known, bucket or path present).
 */
public final class LogArchiveFactory {

    private LogArchiveFactory() {}

    /** The backend of the effective archive ({@code archive}, else legacy {@code s3}), or empty when none is configured. */
    public static Optional<LogArchive> fromStorage(LogStorageConfig storage) {
        return storage.effectiveArchive().map(LogArchiveFactory::create);
    }

    public static LogArchive create(ArchiveConfig config) {
        return create(config, S3ArchiveOptions.defaults());
    }

    public static LogArchive create(ArchiveConfig config, S3ArchiveOptions s3Options) {
        return switch (String.valueOf(config.type())) {
            case ArchiveConfig.TYPE_S3 -> S3LogArchive.create(config, s3Options);
            case ArchiveConfig.TYPE_LOCAL -> LocalArchiveBackend.open(config);
            default -> throw new IllegalArgumentException("unknown archive type \"" + config.type()
                    + "\" (expected \"s3\" or \"local\")");
        };
    }
}
