package dev.stroem.web;

import io.javalin.security.RouteRole;

/**
 * What a public API route needs, declared where the route is registered:
 * {@code routes.get("/api/x", handler, Access.SIGNED_IN)}. {@link RouteGuard} checks it before
 * the handler runs; an {@code /api} route that declares nothing is refused (500, and the log names
 * the route), so a new route cannot be open by accident.
 */
public enum Access implements RouteRole {
    /** Anyone, signed in or not ({@code /api/config}, login, refresh, logout, OIDC). */
    PUBLIC,
    /** Any caller the server accepts (with no {@code auth} configured, everyone); lists filter by the ACL themselves. */
    SIGNED_IN,
    /** Admins (and the open server and static API tokens, which have no users). */
    ADMIN,
    /**
     * The worker fleet ({@code /api/workers}): admins always; other users only while no {@code acl}
     * is configured (the original shows workers on an admin page; without an ACL every user sees
     * everything anyway).
     */
    FLEET,
    /** View permission on the task named by the {@code {ws}} and {@code {name}} path parameters. */
    VIEW_TASK,
    /** Run permission on the task named by {@code {ws}} and {@code {name}}. */
    RUN_TASK,
    /** View permission on the task of the job named by the {@code {id}} path parameter. */
    VIEW_JOB,
    /** Run permission on the task of the job named by {@code {id}}. */
    RUN_JOB
}
