package dev.stroem.storage;

import dev.stroem.config.ArchiveConfig;
import dev.stroem.config.LogStorageConfig;
import java.util.Optional;

/**
 * Builds the object store a configuration block ({@code type: s3} or {@code local}) asks for. The configuration is expected to have
 * passed {@code ConfigLoader}'s validation (type known, bucket or path present).
 */
public final class ObjectStoreFactory {

    private ObjectStoreFactory() {}

    /** The backend of the effective archive ({@code archive}, else legacy {@code s3}), or empty when none is configured. */
    public static Optional<ObjectStore> fromStorage(LogStorageConfig storage) {
        return storage.effectiveArchive().map(ObjectStoreFactory::create);
    }

    public static ObjectStore create(ArchiveConfig config) {
        return create(config, S3StoreOptions.defaults());
    }

    public static ObjectStore create(ArchiveConfig config, S3StoreOptions s3Options) {
        return switch (String.valueOf(config.type())) {
            case ArchiveConfig.TYPE_S3 -> S3ObjectStore.create(config, s3Options);
            case ArchiveConfig.TYPE_LOCAL -> new LocalDirectoryStore(java.nio.file.Path.of(config.path()));
            default -> throw new IllegalArgumentException("unknown archive type \"" + config.type()
                    + "\" (expected \"s3\" or \"local\")");
        };
    }
}
