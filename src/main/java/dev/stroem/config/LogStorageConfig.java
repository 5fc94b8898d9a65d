package dev.stroem.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Optional;

/**
 * The {@code log_storage} section, exactly as the log-storage specification gives it,
 * plus the {@code read} block of the newer original (tail defaults for log reads) and our
 * {@code stream} block (the live log WebSocket).
 */
public record LogStorageConfig(
        @JsonProperty("local_dir") String localDir,
        @JsonProperty("archive") ArchiveConfig archive,
        @JsonProperty("s3") LegacyS3Config s3,
        @JsonProperty("read") LogReadConfig read,
        @JsonProperty("stream") LogStreamConfig stream) {

    public static final String DEFAULT_LOCAL_DIR = "/tmp/stroem/logs";

    /** The four sections of the specification and the read block, without a stream block. */
    public LogStorageConfig(String localDir, ArchiveConfig archive, LegacyS3Config s3, LogReadConfig read) {
        this(localDir, archive, s3, read, null);
    }

    /**
     * This section with the documented defaults filled in ({@code archive} and {@code s3} stay absent
     * when absent). Resolved once, when the file is loaded; use sites read the fields as they are.
     */
    public LogStorageConfig withDefaults() {
        return new LogStorageConfig(localDir == null ? DEFAULT_LOCAL_DIR : localDir,
                archive == null ? null : archive.withDefaults(), s3,
                (read == null ? new LogReadConfig(null) : read).withDefaults(),
                (stream == null ? new LogStreamConfig(null, null, null) : stream).withDefaults());
    }

    /**
     * The archive backend in effect: {@code archive} wins over the legacy {@code s3} block; the legacy
     * block alone means an S3 archive. The prefix defaults to {@code ""} either way.
     */
    public Optional<ArchiveConfig> effectiveArchive() {
        if (archive != null) {
            return Optional.of(archive.withDefaults());
        }
        if (s3 != null) {
            return Optional.of(new ArchiveConfig(ArchiveConfig.TYPE_S3, s3.bucket(), s3.region(),
                    s3.prefix() == null ? ArchiveConfig.DEFAULT_PREFIX : s3.prefix(), s3.endpoint(), null));
        }
        return Optional.empty();
    }
}
