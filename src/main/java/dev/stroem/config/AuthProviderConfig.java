package dev.stroem.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * One entry of {@code auth.providers}: {@code provider_type: internal} (email and password) or
 * {@code provider_type: oidc} (single sign-on through an OpenID Connect provider).
 */
public record AuthProviderConfig(
        @JsonProperty("provider_type") String providerType,
        @JsonProperty("display_name") String displayName,
        @JsonProperty("issuer_url") String issuerUrl,
        @JsonProperty("client_id") String clientId,
        @JsonProperty("client_secret") String clientSecret,
        @JsonProperty("default_groups") List<String> defaultGroups) {

    public static final String INTERNAL = "internal";
    public static final String OIDC = "oidc";

    public List<String> defaultGroupsOrEmpty() {
        return defaultGroups == null ? List.of() : defaultGroups;
    }

    @Override
    public String toString() {
        return "AuthProviderConfig[provider_type=" + providerType + ", display_name=" + displayName + ", issuer_url="
                + issuerUrl + ", client_id=" + clientId + ", client_secret=" + (clientSecret == null ? "null" : "***")
                + ", default_groups=" + defaultGroups + "]";
    }
}
