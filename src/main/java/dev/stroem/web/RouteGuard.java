package dev.stroem.web;

import dev.stroem.auth.AccessPolicy;
import dev.stroem.auth.Authenticator;
import dev.stroem.auth.Permission;
import dev.stroem.auth.Principal;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.ForbiddenResponse;
import io.javalin.http.InternalServerErrorResponse;
import io.javalin.http.NotFoundResponse;
import io.javalin.http.UnauthorizedResponse;
import io.javalin.security.RouteRole;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place the public API is authorized: before a matched {@code /api} route runs, its
 * declared {@link Access} is checked against the caller (authenticated once, here) and, for task
 * and job routes, against the ACL. WebSocket upgrades are checked through {@link #check} from the
 * socket's own before-upgrade handler (before-filters do not see upgrades). A task the caller may
 * not see at all answers like an unknown one (404); one they may see but not run answers 403.
 */
public final class RouteGuard {
    private static final Logger log = LoggerFactory.getLogger(RouteGuard.class);
    private static final String PRINCIPAL = "stroem.principal";
    static final String TICKET = "ticket";

    private final Authenticator authenticator;
    private final AccessPolicy policy;
    private final TaskRefs tasks;

    public RouteGuard(Authenticator authenticator, AccessPolicy policy, TaskRefs tasks) {
        this.authenticator = authenticator;
        this.policy = policy;
        this.tasks = tasks;
    }

    /** No auth, no ACL: every route is open (tests and {@code stroem dev}). */
    public static RouteGuard open(TaskRefs tasks) {
        return new RouteGuard(Authenticator.open(), AccessPolicy.allowAll(), tasks);
    }

    void register(RoutesConfig routes) {
        routes.beforeMatched(ctx -> {
            if (ctx.path().startsWith("/api/")) {
                check(ctx, declared(ctx));
            }
        });
    }

    /** The caller of a request the guard has checked. */
    static Principal principal(Context ctx) {
        Principal p = ctx.attribute(PRINCIPAL);
        if (p == null) {
            throw new InternalServerErrorResponse("the request was not authorized (route without declared access)");
        }
        return p;
    }

    AccessPolicy policy() {
        return policy;
    }

    Authenticator authenticator() {
        return authenticator;
    }

    /** Authenticates the caller and checks {@code access}; throws the HTTP refusal otherwise. */
    void check(Context ctx, Access access) {
        if (access == Access.PUBLIC) {
            authenticateIfPresent(ctx);
            return;
        }
        Principal who = authenticate(ctx);
        new Visibility(who, policy, tasks).attach(ctx);
        switch (access) {
            case SIGNED_IN, PUBLIC -> { }
            case ADMIN -> {
                if (who.isUser() && !who.admin()) {
                    throw new ForbiddenResponse("this needs an administrator");
                }
            }
            case FLEET -> {
                if (who.isUser() && !who.admin() && policy.enabled()) {
                    throw new ForbiddenResponse("only administrators may see the workers while an acl is configured");
                }
            }
            case VIEW_TASK, RUN_TASK -> {
                String ws = ctx.pathParam("ws");
                String name = ctx.pathParam("name");
                require(who, tasks.task(ws, name), access == Access.RUN_TASK,
                        "no task named \"" + name + "\" in workspace \"" + ws + "\"");
            }
            case VIEW_JOB, RUN_JOB -> {
                String id = ctx.pathParam("id");
                var ref = tasks.ofJob(id).orElseThrow(() -> new NotFoundResponse("no job with id " + id));
                require(who, ref, access == Access.RUN_JOB, "no job with id " + id);
            }
        }
    }

    private void require(Principal who, TaskRefs.TaskRef ref, boolean run, String invisibleMessage) {
        Permission p = policy.permission(who, ref.workspace(), ref.taskPath());
        if (p == Permission.DENY) {
            throw new NotFoundResponse(invisibleMessage);
        }
        if (run && p != Permission.RUN) {
            throw new ForbiddenResponse("you may view but not run or cancel \"" + ref.taskPath() + "\" in workspace \""
                    + ref.workspace() + "\"");
        }
    }

    private Principal authenticate(Context ctx) {
        Principal who;
        String credential = bearer(ctx);
        String ticket = ticketAllowed(ctx) ? ctx.queryParam(TICKET) : null;
        if (credential == null && ticket != null && !ticket.isEmpty()) {
            who = authenticator.redeemTicket(ticket)
                    .orElseThrow(() -> new UnauthorizedResponse("invalid, used or expired ticket: ask for a new one "
                            + "(POST /api/auth/ticket)"));
        } else {
            who = authenticator.authenticate(credential).orElseThrow(() -> new UnauthorizedResponse(credential == null
                    ? "missing bearer token: send \"Authorization: Bearer <token>\"" + (ticketAllowed(ctx)
                            ? " or a ticket (POST /api/auth/ticket, then ?ticket=)" : "")
                    : "invalid or expired token"));
        }
        ctx.attribute(PRINCIPAL, who);
        return who;
    }

    /** Public routes still know who calls when a valid credential comes along. */
    private void authenticateIfPresent(Context ctx) {
        String credential = bearer(ctx);
        if (credential != null) {
            authenticator.authenticate(credential).ifPresent(p -> ctx.attribute(PRINCIPAL, p));
        }
    }

    private static String bearer(Context ctx) {
        String header = ctx.header("Authorization");
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String value = header.substring(7).trim();
            return value.isEmpty() ? null : value;
        }
        return null;
    }

    /**
     * Browsers cannot set headers on a WebSocket or a plain download link (a raw log, an artifact): those take a
     * single-use ticket in the URL instead (never a long-lived token, which would end up in logs).
     */
    private static boolean ticketAllowed(Context ctx) {
        return ctx.path().endsWith("/logs/stream") || ctx.path().endsWith("/logs/raw")
                || (ctx.path().startsWith("/api/jobs/") && ctx.path().contains("/artifacts/"));
    }

    private static Access declared(Context ctx) {
        Set<RouteRole> roles = ctx.routeRoles();
        for (RouteRole role : roles) {
            if (role instanceof Access access) {
                return access;
            }
        }
        log.error("{} {} declares no access (routes.get(path, handler, Access.…)): refused", ctx.method(),
                ctx.endpoint().path);
        throw new InternalServerErrorResponse("this endpoint declares no access rule and is refused");
    }
}
