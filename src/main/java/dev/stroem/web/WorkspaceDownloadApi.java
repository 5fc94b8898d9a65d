package dev.stroem.web;

import dev.stroem.workflow.WorkspaceCatalog;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;

/**
 * {@code GET /worker/workspace/{ws}.tar.gz}: a workspace's files as workers download them (worker
 * token, checked by the worker API's filter). The current revision by default, an older one with
 * {@code ?revision=} (a job created at it); {@code X-Revision} and {@code ETag} name it and
 * {@code If-None-Match} with it answers 304. See docs/worker-api.md.
 */
public final class WorkspaceDownloadApi {
    private static final String SUFFIX = ".tar.gz";

    private final WorkspaceCatalog catalog;

    public WorkspaceDownloadApi(WorkspaceCatalog catalog) {
        this.catalog = catalog;
    }

    /** Registers the route; {@code /worker/*} is guarded by the worker token already. */
    public void register(RoutesConfig routes) {
        routes.get("/worker/workspace/{file}", this::download);
    }

    private void download(Context ctx) {
        String file = ctx.pathParam("file");
        if (!file.endsWith(SUFFIX) || file.length() == SUFFIX.length()) {
            throw new NotFoundResponse("no such download: workspaces are at /worker/workspace/{name}.tar.gz");
        }
        String ws = file.substring(0, file.length() - SUFFIX.length());
        var workspace = catalog.snapshot().workspace(ws)
                .orElseThrow(() -> new NotFoundResponse("no workspace named \"" + ws + "\""));
        String revision = ctx.queryParam("revision");
        WorkspaceCatalog.Delivery delivery;
        if (revision == null || revision.isEmpty()) {
            delivery = catalog.delivery(ws).orElseThrow(() -> new NotFoundResponse("workspace \"" + ws
                    + "\" has no files to deliver: " + whyNothing(workspace)));
        } else {
            delivery = catalog.delivery(ws, revision).orElseThrow(() -> new NotFoundResponse("workspace \"" + ws
                    + "\" has no revision \"" + revision + "\" (unknown, or no longer kept)"));
        }
        ctx.header("X-Revision", delivery.revision());
        ctx.header("ETag", "\"" + delivery.revision() + "\"");
        if (matches(ctx.header("If-None-Match"), delivery.revision())) {
            ctx.status(304);
            return;
        }
        ctx.contentType("application/gzip");
        ctx.result(delivery.tarGz());
    }

    /** {@code If-None-Match}: a list of tags, quoted or not, weak or not, or {@code *}. */
    static boolean matches(String ifNoneMatch, String revision) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String tag : ifNoneMatch.split(",")) {
            String t = tag.trim();
            if (t.startsWith("W/")) {
                t = t.substring(2);
            }
            if (t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"")) {
                t = t.substring(1, t.length() - 1);
            }
            if (t.equals("*") || t.equals(revision)) {
                return true;
            }
        }
        return false;
    }

    /** Why a workspace has nothing to deliver, in one sentence. */
    private static String whyNothing(dev.stroem.workflow.Workspace workspace) {
        return workspace.errors().isEmpty() ? "its folder could not be read" : workspace.errors().get(0).message();
    }
}
