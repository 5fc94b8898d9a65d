package dev.stroem.web;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stroem.auth.ApiKey;
import dev.stroem.auth.ApiKeys;
import dev.stroem.auth.Sessions;
import dev.stroem.auth.TokenPair;
import dev.stroem.auth.UserDirectory;
import io.javalin.config.RoutesConfig;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
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
    public record Users(Sessions sessions, ApiKeys apiKeys, UserDirectory directory) {}

    record LoginRequest(@JsonProperty("email") String email, @JsonProperty("password") String password) {}

    record RefreshRequest(@JsonProperty("refresh_token") String refreshToken) {}

    record CreateKeyRequest(@JsonProperty("name") String name, @JsonProperty("expires_in_days") Integer expiresInDays) {}

    record AdminRequest(@JsonProperty("is_admin") Boolean isAdmin) {}

    record GroupsRequest(@JsonProperty("groups") List<String> groups) {}

    static final int DEFAULT_USERS_LIMIT = 20;

    private final ServerInfo info;
    private final Users users;
    private final RequestBodies bodies;

    public AuthApi(ServerInfo info, Users users, ObjectMapper json) {
        this.info = info;
        this.users = users;
        this.bodies = new RequestBodies(json);
    }

    void register(RoutesConfig routes) {
        routes.get("/api/config", this::config, Access.PUBLIC);
        if (users == null) {
            return;
        }
        routes.post("/api/auth/login", this::login, Access.PUBLIC);
        routes.post("/api/auth/refresh", this::refresh, Access.PUBLIC);
        routes.post("/api/auth/logout", this::logout, Access.PUBLIC);
        routes.get("/api/auth/me", this::me, Access.SIGNED_IN);
        routes.post("/api/auth/api-keys", this::createKey, Access.SIGNED_IN);
        routes.get("/api/auth/api-keys", this::listKeys, Access.SIGNED_IN);
        routes.delete("/api/auth/api-keys/{prefix}", this::deleteKey, Access.SIGNED_IN);
        routes.get("/api/users", this::listUsers, Access.ADMIN);
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

    private void login(Context ctx) {
        var req = bodies.read(ctx, LoginRequest.class, null);
        if (req.email() == null || req.email().isBlank()) {
            throw new BadRequestResponse("email: required");
        }
        if (req.password() == null) {
            throw new BadRequestResponse("password: required");
        }
        tokens(ctx, users.sessions().login(req.email(), req.password()));
    }

    private void refresh(Context ctx) {
        tokens(ctx, users.sessions().refresh(refreshToken(ctx)));
    }

    private void logout(Context ctx) {
        users.sessions().logout(refreshToken(ctx));
        ctx.json(Map.of("status", "ok"));
    }

    private String refreshToken(Context ctx) {
        var req = bodies.read(ctx, RefreshRequest.class, new RefreshRequest(null));
        if (req.refreshToken() == null || req.refreshToken().isBlank()) {
            throw new BadRequestResponse("refresh_token: required");
        }
        return req.refreshToken();
    }

    private static void tokens(Context ctx, TokenPair pair) {
        // Tokens must not be kept by any cache between the server and the client.
        ctx.header("Cache-Control", "no-store");
        var body = new LinkedHashMap<String, Object>();
        body.put("access_token", pair.accessToken());
        body.put("refresh_token", pair.refreshToken());
        ctx.json(body);
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
