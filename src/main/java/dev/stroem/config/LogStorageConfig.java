package dev.stroem.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Optional;

/**
 * The {@code log_storage} section, exactly as the log-storage specification gives it,
 * plus the {@code read} block of the newer original (tail defaults for log reads).
 */
public record LogStorageConfig(
        @JsonProperty("local_dir") String localDir,
        @JsonProperty("archive") ArchiveConfig archive,
        @JsonProperty("s3") LegacyS3Config s3,
        @JsonProperty("read") LogReadConfig read) {

    public static final String DEFAULT_LOCAL_DIR = "/tmp/stroem/logs";

    /** {@code archive} wins over the legacy {@code s3} block; the legacy block alone means an S3 archive. */
    public Optional<ArchiveConfig> effectiveArchive() {
        if (archive != null) {
            return Optional.of(archive);
        }
        if (s3 != null) {
            return Optional.of(new ArchiveConfig(ArchiveConfig.TYPE_S3, s3.bucket(), s3.region(),
                    s3.prefix() == null ? "" : s3.prefix(), s3.endpoint(), null));
        }
        return Optional.empty();
    }
}
