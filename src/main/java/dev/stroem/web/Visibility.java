package dev.stroem.web;

import dev.stroem.auth.AccessPolicy;
import dev.stroem.auth.Permission;
import dev.stroem.auth.Principal;
import dev.stroem.jobs.store.TaskKey;
import io.javalin.http.Context;
import java.util.Collection;
import java.util.List;

/**
 * What the caller of one request may see, for the list routes that filter instead of refusing:
 * workspaces, tasks and jobs (with their totals) show only tasks the caller has at least view on.
 */
final class Visibility {
    private static final String ATTRIBUTE = "stroem.visibility";

    private final Principal who;
    private final AccessPolicy policy;
    private final TaskRefs refs;

    Visibility(Principal who, AccessPolicy policy, TaskRefs refs) {
        this.who = who;
        this.policy = policy;
        this.refs = refs;
    }

    void attach(Context ctx) {
        ctx.attribute(ATTRIBUTE, this);
    }

    /** The visibility of a request {@link RouteGuard} checked. */
    static Visibility of(Context ctx) {
        Visibility v = ctx.attribute(ATTRIBUTE);
        if (v == null) {
            throw new io.javalin.http.InternalServerErrorResponse("the request was not authorized");
        }
        return v;
    }

    /** True when nothing is hidden from the caller (no ACL, an admin, the open server, a static token). */
    boolean unrestricted() {
        return policy.unrestricted(who);
    }

    /** True when the caller may see the task (folder as the catalog has it, null when unknown). */
    boolean canSee(String workspace, String folder, String taskName) {
        return policy.permission(who, workspace, AccessPolicy.taskPath(folder, taskName)).atLeast(Permission.VIEW);
    }

    /** Of {@code tasks}, those the caller may see (the folder looked up in the catalog). */
    List<TaskKey> visible(Collection<TaskKey> tasks) {
        return tasks.stream().filter(t -> {
            var ref = refs.task(t.workspace(), t.taskName());
            return policy.permission(who, ref.workspace(), ref.taskPath()).atLeast(Permission.VIEW);
        }).toList();
    }
}
