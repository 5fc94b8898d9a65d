package dev.stroem.app;

import dev.stroem.auth.AccessPolicy;
import dev.stroem.auth.AccessTokens;
import dev.stroem.auth.ApiKeyStore;
import dev.stroem.auth.ApiKeys;
import dev.stroem.auth.Authenticator;
import dev.stroem.auth.PasswordHasher;
import dev.stroem.auth.RefreshTokenStore;
import dev.stroem.auth.Sessions;
import dev.stroem.auth.UserDirectory;
import dev.stroem.auth.UserStore;
import dev.stroem.config.AuthConfig;
import dev.stroem.config.AuthProviderConfig;
import dev.stroem.config.ServerConfig;
import dev.stroem.jobs.store.Database;
import dev.stroem.web.AuthApi;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;

/**
 * The auth room's part of the server's object graph, from {@code auth} and {@code acl}: no auth
 * (open), static API tokens only, or users (with the static tokens beside them when both are set).
 */
record AuthWiring(Authenticator authenticator, AccessPolicy policy, AuthApi.ServerInfo info, AuthApi.Users users) {
    static final String VERSION = "0.1.0";

    static AuthWiring create(ServerConfig config, Database db, Clock clock) {
        AuthConfig auth = config.auth();
        var policy = AccessPolicy.of(config.acl());
        if (auth == null || !auth.usersEnabled()) {
            var tokens = auth == null ? List.<String>of() : auth.apiTokensOrEmpty();
            var authenticator = new Authenticator(tokens, null, null);
            return new AuthWiring(authenticator, policy,
                    new AuthApi.ServerInfo(authenticator.required(), false, List.of(), false, VERSION), null);
        }
        var random = new SecureRandom();
        var users = new UserStore(db);
        var passwords = new PasswordHasher(random);
        var accessTokens = new AccessTokens(auth.jwtSecret(), clock);
        var apiKeys = new ApiKeys(new ApiKeyStore(db), users, random, clock);
        var sessions = new Sessions(users, new RefreshTokenStore(db), accessTokens, passwords, auth.refreshSecret(), clock);
        var directory = new UserDirectory(users, passwords, clock);
        if (auth.initialUser() != null) {
            directory.seedInitialUser(auth.initialUser().email(), auth.initialUser().password());
        }
        boolean internal = auth.providersOrEmpty().values().stream()
                .anyMatch(p -> AuthProviderConfig.INTERNAL.equals(p.providerType()));
        var oidc = auth.providersOrEmpty().entrySet().stream()
                .filter(e -> AuthProviderConfig.OIDC.equals(e.getValue().providerType()))
                .map(e -> new AuthApi.OidcProviderInfo(e.getKey(),
                        e.getValue().displayName() == null ? e.getKey() : e.getValue().displayName()))
                .toList();
        var authenticator = new Authenticator(auth.apiTokensOrEmpty(), accessTokens, apiKeys);
        return new AuthWiring(authenticator, policy,
                new AuthApi.ServerInfo(true, internal, oidc, policy.enabled(), VERSION),
                new AuthApi.Users(sessions, apiKeys, directory));
    }
}
