package dev.stroem.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** {@code auth:} when {@code api_tokens} is set, every {@code /api} call needs one of them as bearer token. */
public record AuthConfig(@JsonProperty("api_tokens") List<String> apiTokens) {}
