package dev.stroem.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** {@code auth:} when {@code api_tokens} is set, every {@code /api} call needs one of them as bearer token. */
public record AuthConfig(@JsonProperty("api_tokens") List<String> apiTokens) {

    // Copied without List.copyOf so a null entry reaches validation and gets a sentence, not an NPE.
    public AuthConfig {
        apiTokens = apiTokens == null ? null : Collections.unmodifiableList(new ArrayList<>(apiTokens));
    }

    /** True when API calls need a bearer token. */
    public boolean tokensRequired() {
        return apiTokens != null && !apiTokens.isEmpty();
    }
}
