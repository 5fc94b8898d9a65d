package dev.stroem.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Checks {@code auth} and {@code acl}: what the login, token and access-control code relies on. */
final class AuthConfigValidator {
    private static final Set<String> ACTIONS = Set.of(AclConfig.DENY, AclConfig.VIEW, AclConfig.RUN);
    /** Provider ids appear in URLs ({@code /api/auth/oidc/{provider}}). */
    private static final Pattern PROVIDER_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private AuthConfigValidator() {}

    static void validate(AuthConfig auth, AclConfig acl) {
        if (auth != null) {
            validateTokens(auth.apiTokens());
            validateUsers(auth);
        }
        if (acl != null) {
            if (auth == null || !auth.usersEnabled()) {
                throw ConfigException.at("acl", "needs users: set auth.jwt_secret, auth.refresh_secret and auth.providers");
            }
            validateAcl(acl);
        }
    }

    private static void validateTokens(List<String> tokens) {
        if (tokens == null) {
            return;
        }
        if (tokens.isEmpty()) {
            throw ConfigException.at("auth.api_tokens", "needs at least one token (remove auth to run without tokens)");
        }
        for (int i = 0; i < tokens.size(); i++) {
            requireText("auth.api_tokens[" + i + "]", tokens.get(i));
        }
    }

    private static void validateUsers(AuthConfig auth) {
        boolean anyUserField = auth.jwtSecret() != null || auth.refreshSecret() != null || auth.providers() != null
                || auth.initialUser() != null || auth.baseUrl() != null;
        if (!anyUserField) {
            return;
        }
        requireText("auth.jwt_secret", auth.jwtSecret());
        requireText("auth.refresh_secret", auth.refreshSecret());
        if (auth.providers() == null || auth.providers().isEmpty()) {
            throw ConfigException.at("auth.providers", "needs at least one provider, e.g. internal: {provider_type: internal}");
        }
        if (auth.baseUrl() != null) {
            validateHttpUrl("auth.base_url", auth.baseUrl());
        }
        auth.providers().forEach((id, provider) -> {
            String at = "auth.providers." + id;
            if (!PROVIDER_ID.matcher(id).matches()) {
                throw ConfigException.at(at, "a provider id is 1-64 letters, digits, \"_\" or \"-\"");
            }
            if (provider == null || provider.providerType() == null) {
                throw ConfigException.at(at + ".provider_type", "required (\"internal\" or \"oidc\")");
            }
            switch (provider.providerType()) {
                case AuthProviderConfig.INTERNAL -> { }
                case AuthProviderConfig.OIDC -> {
                    requireText(at + ".issuer_url", provider.issuerUrl());
                    validateHttpUrl(at + ".issuer_url", provider.issuerUrl());
                    requireText(at + ".client_id", provider.clientId());
                    requireText(at + ".client_secret", provider.clientSecret());
                    if (auth.baseUrl() == null) {
                        throw ConfigException.at("auth.base_url", "required with an oidc provider (it builds the redirect URI)");
                    }
                    var groups = provider.defaultGroupsOrEmpty();
                    for (int i = 0; i < groups.size(); i++) {
                        validateGroup(at + ".default_groups[" + i + "]", groups.get(i));
                    }
                }
                default -> throw ConfigException.at(at + ".provider_type", "unknown provider type \""
                        + provider.providerType() + "\" (expected \"internal\" or \"oidc\")");
            }
        });
        var initial = auth.initialUser();
        if (initial != null) {
            requireText("auth.initial_user.email", initial.email());
            if (!initial.email().contains("@")) {
                throw ConfigException.at("auth.initial_user.email", "expected an email address, got \"" + initial.email() + "\"");
            }
            requireText("auth.initial_user.password", initial.password());
        }
    }

    private static void validateAcl(AclConfig acl) {
        validateAction("acl.default", acl.defaultActionOrDeny());
        var rules = acl.rulesOrEmpty();
        for (int i = 0; i < rules.size(); i++) {
            String at = "acl.rules[" + i + "]";
            var rule = rules.get(i);
            if (rule == null) {
                throw ConfigException.at(at, "expected a mapping with workspace, tasks, action and groups or users");
            }
            requireText(at + ".workspace", rule.workspace());
            if (rule.tasks() == null || rule.tasks().isEmpty()) {
                throw ConfigException.at(at + ".tasks", "needs at least one task pattern, e.g. [\"*\"]");
            }
            for (int t = 0; t < rule.tasks().size(); t++) {
                requireText(at + ".tasks[" + t + "]", rule.tasks().get(t));
            }
            if (rule.action() == null) {
                throw ConfigException.at(at + ".action", "required (\"run\", \"view\" or \"deny\")");
            }
            validateAction(at + ".action", rule.action());
            if (rule.groupsOrEmpty().isEmpty() && rule.usersOrEmpty().isEmpty()) {
                throw ConfigException.at(at, "names no groups and no users, so it matches nobody");
            }
            for (int g = 0; g < rule.groupsOrEmpty().size(); g++) {
                validateGroup(at + ".groups[" + g + "]", rule.groupsOrEmpty().get(g));
            }
            for (int u = 0; u < rule.usersOrEmpty().size(); u++) {
                requireText(at + ".users[" + u + "]", rule.usersOrEmpty().get(u));
            }
        }
    }

    private static void validateAction(String field, String action) {
        if (!ACTIONS.contains(action)) {
            throw ConfigException.at(field, "expected \"run\", \"view\" or \"deny\", got \"" + action + "\"");
        }
    }

    private static void validateGroup(String field, String group) {
        requireText(field, group);
        if (!group.matches("[A-Za-z0-9_-]{1,64}")) {
            throw ConfigException.at(field, "a group name is 1-64 letters, digits, \"_\" or \"-\", got \"" + group + "\"");
        }
    }

    private static void validateHttpUrl(String field, String url) {
        boolean valid;
        try {
            URI uri = new URI(url);
            valid = ("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))
                    && uri.getHost() != null;
        } catch (URISyntaxException e) {
            valid = false;
        }
        if (!valid) {
            throw ConfigException.at(field, "expected an http:// or https:// URL, got \"" + url + "\"");
        }
    }

    private static void requireText(String field, String value) {
        if (value == null) {
            throw ConfigException.at(field, "required");
        }
        if (value.isBlank()) {
            throw ConfigException.at(field, "must not be empty");
        }
    }
}
