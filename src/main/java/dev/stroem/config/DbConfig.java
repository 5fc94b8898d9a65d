package dev.stroem.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/** {@code db.url}: {@code sqlite:PATH} or {@code postgres://user:pass@host:port/db}. */
public record DbConfig(@JsonProperty("url") String url) {

    /** Embedded SQLite in the working directory: the laptop default needs no database server. */
    public static final String DEFAULT_URL = "sqlite:stroem.db";

    /** This block with the default filled in (once, at load). */
    public DbConfig withDefaults() {
        return new DbConfig(url == null ? DEFAULT_URL : url);
    }
}
