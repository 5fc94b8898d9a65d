package dev.stroem.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/** {@code db.url}: {@code sqlite:PATH} or {@code postgres://user:pass@host:port/db}. */
public record DbConfig(@JsonProperty("url") String url) {}
