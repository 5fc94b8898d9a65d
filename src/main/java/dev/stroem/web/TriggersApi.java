package dev.stroem.web;

import dev.stroem.triggers.TriggerListing;
import dev.stroem.workflow.WorkspaceCatalog;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;

/** {@code GET /api/workspaces/{ws}/triggers}: a workspace's triggers with their next fire times. */
public final class TriggersApi {
    private final WorkspaceCatalog catalog;
    private final TriggerListing listing;

    public TriggersApi(WorkspaceCatalog catalog, TriggerListing listing) {
        this.catalog = catalog;
        this.listing = listing;
    }

    /** Registers the routes; any caller the server accepts may list triggers, as it may list tasks. */
    public void register(RoutesConfig routes) {
        routes.get("/api/workspaces/{ws}/triggers", this::list, Access.SIGNED_IN);
    }

    private void list(Context ctx) {
        String ws = ctx.pathParam("ws");
        var workspace = catalog.snapshot().workspace(ws)
                .orElseThrow(() -> new NotFoundResponse("no workspace named \"" + ws + "\""));
        ctx.json(listing.list(workspace));
    }
}
