package dev.stroem.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/** {@code db.url}: {@code sqlite:PATH} or {@code postgres://user:pass@host:port/db}. */
public record DbConfig(@JsonProperty("url") String url) {

    /** Embedded SQLite in the working directory: the laptop default needs no database server. */
    public static final String DEFAULT_URL = "sqlite:stroem.db";

    public String urlOrDefault() {
        return url == null ? DEFAULT_URL : url;
    }

    public DbConfig withDefaults() {
        return new DbConfig(urlOrDefault());
    }
}
