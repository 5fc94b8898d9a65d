package dev.stroem.web;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stroem.auth.ApiKey;
import dev.stroem.auth.ApiKeys;
import dev.stroem.auth.AuthException;
import dev.stroem.auth.Authenticator;
import dev.stroem.auth.OidcSignIn;
import dev.stroem.auth.Sessions;
import dev.stroem.auth.TokenPair;
import dev.stroem.auth.UserDirectory;
import io.javalin.config.RoutesConfig;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The original's auth API ({@code reference/auth-api.md}): {@code /api/config} (always, public),
 * and, when users are configured, login, refresh, logout, me, API keys, users and groups. Without
 * users those routes do not exist (404), as in the original.
 */
public final class AuthApi {
    /** What {@code /api/config} says besides whether auth is on. */
    public record ServerInfo(boolean authRequired, boolean hasInternalAuth, List<OidcProviderInfo> oidcProviders,
            boolean aclEnabled, String version) {}

    /** An OIDC provider as the login page lists it. */
    public record OidcProviderInfo(@JsonProperty("id") String id, @JsonProperty("display_name") String displayName) {}

    /** The parts that exist only with users; null without. */
    public record Users(Sessions sessions, ApiKeys apiKeys, UserDirectory directory, OidcSignIn oidc) {}

    record LoginRequest(@JsonProperty("email") String email, @JsonProperty("password") String password) {}

    record RefreshRequest(@JsonProperty("refresh_token") String refreshToken) {}

    record CreateKeyRequest(@JsonProperty("name") String name, @JsonProperty("expires_in_days") Integer expiresInDays) {}

    record CreateUserRequest(@JsonProperty("email") String email, @JsonProperty("password") String password,
            @JsonProperty("name") String name, @JsonProperty("groups") List<String> groups) {}

    record AdminRequest(@JsonProperty("is_admin") Boolean isAdmin) {}

    record GroupsRequest(@JsonProperty("groups") List<String> groups) {}

    static final int DEFAULT_USERS_LIMIT = 20;
    /** The browser's refresh token: HttpOnly (no script reads it), Secure, SameSite=Strict, sent only to /api/auth. */
    static final String REFRESH_COOKIE = "stroem_refresh";
    /**
     * A browser asks for the cookie session with this header ({@code X-Stroem-Refresh: cookie}): the
     * refresh token then travels only in the cookie, never in a body a script could read. A
     * cross-site form cannot set the header, so a cookie refresh cannot be forged from another site.
     */
    static final String COOKIE_MODE_HEADER = "X-Stroem-Refresh";
    /**
     * Binds an OIDC sign-in to the browser that started it, until its callback. SameSite=Lax: the
     * callback is a top-level navigation coming from the provider's site, which Strict would strip.
     */
    static final String OIDC_COOKIE = "stroem_oidc";
    /** Where the UI picks up an OIDC sign-in (the session cookie is set) or shows why it failed. */
    static final String OIDC_LANDING = "/login/callback";

    private final ServerInfo info;
    private final Users users;
    private final Authenticator authenticator;
    private final RequestBodies bodies;

    public AuthApi(ServerInfo info, Users users, Authenticator authenticator, ObjectMapper json) {
        this.info = info;
        this.users = users;
        this.authenticator = authenticator;
        this.bodies = new RequestBodies(json);
    }

    void register(RoutesConfig routes) {
        routes.get("/api/config", this::config, Access.PUBLIC);
        if (info.authRequired()) {
            routes.post("/api/auth/ticket", this::ticket, Access.SIGNED_IN);
        }
        if (users == null) {
            return;
        }
        routes.post("/api/auth/login", this::login, Access.PUBLIC);
        routes.post("/api/auth/refresh", this::refresh, Access.PUBLIC);
        routes.post("/api/auth/logout", this::logout, Access.PUBLIC);
        routes.get("/api/auth/oidc/{provider}", this::oidcStart, Access.PUBLIC);
        routes.get("/api/auth/oidc/{provider}/callback", this::oidcCallback, Access.PUBLIC);
        routes.get("/api/auth/me", this::me, Access.SIGNED_IN);
        routes.post("/api/auth/api-keys", this::createKey, Access.SIGNED_IN);
        routes.get("/api/auth/api-keys", this::listKeys, Access.SIGNED_IN);
        routes.delete("/api/auth/api-keys/{prefix}", this::deleteKey, Access.SIGNED_IN);
        routes.get("/api/users", this::listUsers, Access.ADMIN);
        routes.post("/api/users", this::createUser, Access.ADMIN);
        routes.get("/api/users/{user_id}", this::user, Access.ADMIN);
        routes.put("/api/users/{user_id}/admin", this::setAdmin, Access.ADMIN);
        routes.get("/api/users/{user_id}/groups", this::groups, Access.ADMIN);
        routes.put("/api/users/{user_id}/groups", this::setGroups, Access.ADMIN);
        routes.get("/api/groups", ctx -> ctx.json(Map.of("groups", users.directory().allGroups())), Access.ADMIN);
    }

    private void config(Context ctx) {
        var body = new LinkedHashMap<String, Object>();
        body.put("auth_required", info.authRequired());
        body.put("has_internal_auth", info.hasInternalAuth());
        body.put("oidc_providers", info.oidcProviders());
        body.put("acl_enabled", info.aclEnabled());
        body.put("version", info.version());
        ctx.json(body);
    }

    /** Ours: a single-use ticket for the next live log WebSocket or raw download ({@code ?ticket=}). */
    private void ticket(Context ctx) {
        var issued = authenticator.issueTicket(RouteGuard.principal(ctx));
        ctx.header("Cache-Control", "no-store");
        ctx.json(Map.of("ticket", issued.ticket(), "expires_at", issued.expiresAt().toString()));
    }

    private void login(Context ctx) {
        var req = bodies.read(ctx, LoginRequest.class, null);
        if (req.email() == null || req.email().isBlank()) {
            throw new BadRequestResponse("email: required");
        }
        if (req.password() == null) {
            throw new BadRequestResponse("password: required");
        }
        tokens(ctx, users.sessions().login(req.email(), req.password(), ctx.ip()));
    }

    private void refresh(Context ctx) {
        String token = refreshToken(ctx);
        try {
            tokens(ctx, users.sessions().refresh(token));
        } catch (dev.stroem.auth.AuthException e) {
            if (cookieMode(ctx)) {
                setCookie(ctx, "", 0);
            }
            throw e;
        }
    }

    private void logout(Context ctx) {
        users.sessions().logout(refreshToken(ctx));
        if (cookieMode(ctx)) {
            setCookie(ctx, "", 0);
        }
        ctx.json(Map.of("status", "ok"));
    }

    /** The body's {@code refresh_token}, or in cookie mode the cookie's. */
    private String refreshToken(Context ctx) {
        var req = bodies.read(ctx, RefreshRequest.class, new RefreshRequest(null));
        if (req.refreshToken() != null && !req.refreshToken().isBlank()) {
            return req.refreshToken();
        }
        if (cookieMode(ctx)) {
            String cookie = ctx.cookie(REFRESH_COOKIE);
            if (cookie == null || cookie.isBlank()) {
                throw new dev.stroem.auth.AuthException(dev.stroem.auth.AuthException.Kind.UNAUTHENTICATED,
                        "not signed in (no session cookie)");
            }
            return cookie;
        }
        throw new BadRequestResponse("refresh_token: required");
    }

    private static boolean cookieMode(Context ctx) {
        return "cookie".equalsIgnoreCase(ctx.header(COOKIE_MODE_HEADER));
    }

    private static void tokens(Context ctx, TokenPair pair) {
        // Tokens must not be kept by any cache between the server and the client.
        ctx.header("Cache-Control", "no-store");
        var body = new LinkedHashMap<String, Object>();
        body.put("access_token", pair.accessToken());
        if (cookieMode(ctx)) {
            setCookie(ctx, pair.refreshToken(), Sessions.REFRESH_TTL.toSeconds());
        } else {
            body.put("refresh_token", pair.refreshToken());
        }
        ctx.json(body);
    }

    private static void setCookie(Context ctx, String value, long maxAgeSeconds) {
        ctx.res().addHeader("Set-Cookie", REFRESH_COOKIE + "=" + value + "; Path=/api/auth; Max-Age=" + maxAgeSeconds
                + "; HttpOnly; Secure; SameSite=Strict");
    }

    /** {@code GET /api/auth/oidc/{provider}}: 302 to the provider; 404 for an unknown provider. */
    private void oidcStart(Context ctx) {
        ctx.header("Cache-Control", "no-store");
        OidcSignIn.Started started;
        try {
            started = users.oidc().start(ctx.pathParam("provider"));
        } catch (AuthException e) {
            if (e.kind() == AuthException.Kind.NOT_FOUND) {
                throw e;
            }
            ctx.redirect(OIDC_LANDING + "#error=" + fragmentValue(e.getMessage()), HttpStatus.FOUND);
            return;
        }
        oidcCookie(ctx, started.browserSecret(), OidcSignIn.TTL.toSeconds());
        ctx.redirect(started.location().toString(), HttpStatus.FOUND);
    }

    /**
     * {@code GET /api/auth/oidc/{provider}/callback}: the provider sends the browser back here. On
     * success the session cookie is set as for a password login (no token travels in the URL) and
     * the browser goes to the UI, which picks the session up; on failure it goes there with
     * {@code #error=<sentence>}. An unknown provider is a 404.
     */
    private void oidcCallback(Context ctx) {
        ctx.header("Cache-Control", "no-store");
        String browser = ctx.cookie(OIDC_COOKIE);
        var callback = new OidcSignIn.Callback(ctx.queryParam("code"), ctx.queryParam("state"), ctx.queryParam("error"),
                ctx.queryParam("error_description"));
        TokenPair pair;
        try {
            pair = users.oidc().finish(ctx.pathParam("provider"), callback, browser);
        } catch (AuthException e) {
            if (e.kind() == AuthException.Kind.NOT_FOUND) {
                throw e;
            }
            oidcCookie(ctx, "", 0);
            ctx.redirect(OIDC_LANDING + "#error=" + fragmentValue(e.getMessage()), HttpStatus.FOUND);
            return;
        }
        oidcCookie(ctx, "", 0);
        setCookie(ctx, pair.refreshToken(), Sessions.REFRESH_TTL.toSeconds());
        ctx.redirect(OIDC_LANDING, HttpStatus.FOUND);
    }

    private static void oidcCookie(Context ctx, String value, long maxAgeSeconds) {
        ctx.res().addHeader("Set-Cookie", OIDC_COOKIE + "=" + value + "; Path=/api/auth/oidc; Max-Age=" + maxAgeSeconds
                + "; HttpOnly; Secure; SameSite=Lax");
    }

    private static String fragmentValue(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private void me(Context ctx) {
        var entry = users.directory().me(RouteGuard.principal(ctx));
        var body = new LinkedHashMap<String, Object>();
        body.put("user_id", entry.user().userId());
        body.put("name", entry.user().name());
        body.put("email", entry.user().email());
        body.put("is_admin", entry.user().admin());
        body.put("groups", entry.groups());
        body.put("created_at", entry.user().createdAt().toString());
        ctx.json(body);
    }

    private void createKey(Context ctx) {
        var req = bodies.read(ctx, CreateKeyRequest.class, null);
        var created = users.apiKeys().create(RouteGuard.principal(ctx), req.name(), req.expiresInDays());
        var body = new LinkedHashMap<String, Object>();
        body.put("key", created.key());
        body.put("name", created.name());
        body.put("prefix", created.prefix());
        body.put("expires_at", iso(created.expiresAt()));
        ctx.header("Cache-Control", "no-store");
        ctx.json(body);
    }

    private void listKeys(Context ctx) {
        ctx.json(users.apiKeys().list(RouteGuard.principal(ctx)).stream().map(AuthApi::keyView).toList());
    }

    private static Map<String, Object> keyView(ApiKey key) {
        var body = new LinkedHashMap<String, Object>();
        body.put("prefix", key.prefix());
        body.put("name", key.name());
        body.put("created_at", iso(key.createdAt()));
        body.put("expires_at", iso(key.expiresAt()));
        body.put("last_used_at", iso(key.lastUsedAt()));
        return body;
    }

    private void deleteKey(Context ctx) {
        users.apiKeys().delete(RouteGuard.principal(ctx), ctx.pathParam("prefix"));
        ctx.json(Map.of("status", "ok"));
    }

    private void listUsers(Context ctx) {
        int limit = JobsApi.intParam(ctx, "limit", DEFAULT_USERS_LIMIT, 1, JobsApi.MAX_LIMIT);
        int offset = JobsApi.intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE);
        var items = users.directory().list(limit, offset).stream().map(AuthApi::userView).toList();
        ctx.json(Map.of("items", items, "total", users.directory().count()));
    }

    private void createUser(Context ctx) {
        var req = bodies.read(ctx, CreateUserRequest.class, null);
        ctx.json(userView(users.directory().create(req.email(), req.password(), req.name(), req.groups())));
    }

    private void user(Context ctx) {
        String id = ctx.pathParam("user_id");
        var entry = users.directory().entry(id)
                .orElseThrow(() -> new io.javalin.http.NotFoundResponse("no user with id " + id));
        ctx.json(userView(entry));
    }

    private static Map<String, Object> userView(UserDirectory.Entry entry) {
        var body = new LinkedHashMap<String, Object>();
        body.put("id", entry.user().userId());
        body.put("email", entry.user().email());
        body.put("name", entry.user().name());
        body.put("is_admin", entry.user().admin());
        body.put("groups", entry.groups());
        body.put("auth_methods", entry.authMethods());
        body.put("created_at", entry.user().createdAt().toString());
        return body;
    }

    private void setAdmin(Context ctx) {
        var req = bodies.read(ctx, AdminRequest.class, null);
        if (req.isAdmin() == null) {
            throw new BadRequestResponse("is_admin: required (true or false)");
        }
        boolean now = users.directory().setAdmin(RouteGuard.principal(ctx), ctx.pathParam("user_id"), req.isAdmin());
        ctx.json(Map.of("is_admin", now));
    }

    private void groups(Context ctx) {
        ctx.json(Map.of("groups", users.directory().groupsOf(ctx.pathParam("user_id"))));
    }

    private void setGroups(Context ctx) {
        var req = bodies.read(ctx, GroupsRequest.class, null);
        if (req.groups() == null) {
            throw new BadRequestResponse("groups: required (a list of group names)");
        }
        ctx.json(Map.of("groups", users.directory().setGroups(ctx.pathParam("user_id"), req.groups())));
    }

    private static String iso(Instant t) {
        return t == null ? null : t.toString();
    }
}
