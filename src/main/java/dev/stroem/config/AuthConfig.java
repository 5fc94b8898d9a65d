package dev.stroem.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code auth:} two ways to protect the public API, usable together.
 * <ul>
 *   <li>The original's users ({@code jwt_secret}, {@code refresh_secret}, {@code base_url},
 *       {@code providers}, {@code initial_user}): login, JWT access tokens, refresh tokens, API
 *       keys, OIDC, and the {@code acl} section.</li>
 *   <li>Our simple option {@code api_tokens}: shared static bearer tokens with full access to the
 *       public API (no users, no ACL; meant for a single team or a machine client).</li>
 * </ul>
 */
public record AuthConfig(
        @JsonProperty("jwt_secret") String jwtSecret,
        @JsonProperty("refresh_secret") String refreshSecret,
        @JsonProperty("base_url") String baseUrl,
        @JsonProperty("providers") Map<String, AuthProviderConfig> providers,
        @JsonProperty("initial_user") InitialUserConfig initialUser,
        @JsonProperty("api_tokens") List<String> apiTokens) {

    // Copied without List.copyOf so a null entry reaches validation and gets a sentence, not an NPE.
    public AuthConfig {
        apiTokens = apiTokens == null ? null : Collections.unmodifiableList(new ArrayList<>(apiTokens));
        providers = providers == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(providers));
    }

    /** Only the simple option, as older configs of ours wrote it. */
    public static AuthConfig tokensOnly(List<String> apiTokens) {
        return new AuthConfig(null, null, null, null, null, apiTokens);
    }

    /** True when API calls need a bearer token. */
    public boolean tokensRequired() {
        return usersEnabled() || (apiTokens != null && !apiTokens.isEmpty());
    }

    /** True when the original's users are on (login, JWTs, API keys, ACL). */
    public boolean usersEnabled() {
        return jwtSecret != null;
    }

    public List<String> apiTokensOrEmpty() {
        return apiTokens == null ? List.of() : apiTokens;
    }

    public Map<String, AuthProviderConfig> providersOrEmpty() {
        return providers == null ? Map.of() : providers;
    }

    /** {@code auth.initial_user}: seeded (and made admin) at start-up when no user has this email. */
    public record InitialUserConfig(@JsonProperty("email") String email, @JsonProperty("password") String password) {
        @Override
        public String toString() {
            // Never print the password (config dumps, exceptions).
            return "InitialUserConfig[email=" + email + ", password=***]";
        }
    }

    @Override
    public String toString() {
        return "AuthConfig[jwt_secret=" + (jwtSecret == null ? "null" : "***") + ", refresh_secret="
                + (refreshSecret == null ? "null" : "***") + ", base_url=" + baseUrl + ", providers=" + providers
                + ", initial_user=" + initialUser + ", api_tokens=" + (apiTokens == null ? "null" : apiTokens.size() + " tokens")
                + "]";
    }
}
