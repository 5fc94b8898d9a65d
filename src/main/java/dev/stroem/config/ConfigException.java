package dev.stroem.config;

import java.util.Optional;

/**
 * A configuration that cannot be used. The message is one sentence that names the field path
 * (or the file) and what is wrong with it, e.g.
 * {@code log_storage.archive.bucket: required when type is "s3"}; the CLI prints it and exits non-zero.
 */
public final class ConfigException extends RuntimeException {

    private final String field;

    private ConfigException(String field, String message, Throwable cause) {
        super(message, cause);
        this.field = field;
    }

    /** A problem with the value at {@code field} (a path such as {@code log_storage.archive.type}). */
    static ConfigException at(String field, String problem) {
        return new ConfigException(field, field + ": " + problem, null);
    }

    static ConfigException at(String field, String problem, Throwable cause) {
        return new ConfigException(field, field + ": " + problem, cause);
    }

    /** A problem with the configuration as a whole (its file, its YAML syntax); {@code source} names the file. */
    static ConfigException inSource(String source, String problem, Throwable cause) {
        return new ConfigException(null, source + ": " + problem, cause);
    }

    /** The field path the problem is about, empty for problems with the file as a whole. */
    public Optional<String> field() {
        return Optional.ofNullable(field);
    }

    /** The same problem, with a note on where the value came from (e.g. an environment variable). */
    ConfigException withNote(String note) {
        return new ConfigException(field, getMessage() + " (" + note + ")", getCause());
    }
}
