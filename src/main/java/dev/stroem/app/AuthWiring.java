package dev.stroem.app;

import dev.stroem.auth.AccessPolicy;
import dev.stroem.auth.AccessTokens;
import dev.stroem.auth.ApiKeyStore;
import dev.stroem.auth.ApiKeys;
import dev.stroem.auth.Authenticator;
import dev.stroem.auth.LoginThrottle;
import dev.stroem.auth.OidcLoginStore;
import dev.stroem.auth.OidcProvider;
import dev.stroem.auth.OidcSignIn;
import dev.stroem.auth.PasswordHasher;
import dev.stroem.auth.RefreshTokenStore;
import dev.stroem.auth.Sessions;
import dev.stroem.auth.TicketStore;
import dev.stroem.auth.Tickets;
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
            var authenticator = tokens.isEmpty() ? Authenticator.open() : new Authenticator(tokens, null, null,
                    new Tickets(new TicketStore(db), null, new SecureRandom(), clock));
            return new AuthWiring(authenticator, policy,
                    new AuthApi.ServerInfo(authenticator.required(), false, List.of(), false, VERSION), null);
        }
        var random = new SecureRandom();
        var users = new UserStore(db);
        var passwords = new PasswordHasher(random);
        var accessTokens = new AccessTokens(auth.jwtSecret(), clock);
        var apiKeys = new ApiKeys(new ApiKeyStore(db), users, random, clock);
        var sessions = new Sessions(users, new RefreshTokenStore(db), accessTokens, passwords,
                new LoginThrottle(clock), auth.refreshSecret(), clock);
        var directory = new UserDirectory(users, passwords, clock);
        var oidcProviders = new java.util.LinkedHashMap<String, OidcProvider>();
        auth.providersOrEmpty().forEach((id, provider) -> {
            if (AuthProviderConfig.OIDC.equals(provider.providerType())) {
                oidcProviders.put(id, new OidcProvider(id, provider, auth.baseUrl()));
            }
        });
        var oidc = new OidcSignIn(oidcProviders, new OidcLoginStore(db), users, sessions, auth.refreshSecret(), random, clock);
        if (auth.initialUser() != null) {
            directory.seedInitialUser(auth.initialUser().email(), auth.initialUser().password());
        }
        boolean internal = auth.providersOrEmpty().values().stream()
                .anyMatch(p -> AuthProviderConfig.INTERNAL.equals(p.providerType()));
        var oidcInfo = auth.providersOrEmpty().entrySet().stream()
                .filter(e -> AuthProviderConfig.OIDC.equals(e.getValue().providerType()))
                .map(e -> new AuthApi.OidcProviderInfo(e.getKey(),
                        e.getValue().displayName() == null ? e.getKey() : e.getValue().displayName()))
                .toList();
        var authenticator = new Authenticator(auth.apiTokensOrEmpty(), accessTokens, apiKeys,
                new Tickets(new TicketStore(db), users, random, clock));
        return new AuthWiring(authenticator, policy,
                new AuthApi.ServerInfo(true, internal, oidcInfo, policy.enabled(), VERSION),
                new AuthApi.Users(sessions, apiKeys, directory, oidc));
    }
}
