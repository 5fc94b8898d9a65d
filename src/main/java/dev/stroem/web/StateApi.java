package dev.stroem.web;

import dev.stroem.jobs.Job;
import dev.stroem.jobs.JobStatus;
import dev.stroem.jobs.store.JobStore;
import dev.stroem.state.Snapshot;
import dev.stroem.state.StateException;
import dev.stroem.state.TaskStates;
import dev.stroem.workflow.WorkspaceCatalog;
import io.javalin.config.RoutesConfig;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Task and global state over HTTP. Workers read the latest snapshot and write new ones
 * ({@code GET/POST /worker/state/{ws}/tasks/{task}} and {@code …/{ws}/global}; ours, the original
 * documents no worker shape); operators upload one ({@code POST /api/workspaces/{ws}/tasks/{task}/state}
 * with run permission, {@code POST /api/workspaces/{ws}/state} as admin), which records the
 * documented {@code upload} job.
 */
public final class StateApi {
    /** The structured state of a snapshot, as a JSON object, beside its tarball. */
    static final String STATE_HEADER = "X-Stroem-State";
    /** Set instead of {@link #STATE_HEADER}: the structured state is the snapshot's first entry, its root state.json. */
    static final String STATE_INSIDE_HEADER = "X-Stroem-State-In-Archive";
    /** Request and response headers beyond 8 KiB in all are refused: a bigger state goes inside the snapshot. */
    static final int MAX_STATE_HEADER_CHARS = 6 * 1024;
    static final String SNAPSHOT_HEADER = "X-Stroem-Snapshot-Id";
    public static final String SOURCE_UPLOAD = "upload";

    private final TaskStates states;
    private final WorkspaceCatalog catalog;
    private final JobStore jobs;
    private final Clock clock;

    public StateApi(TaskStates states, WorkspaceCatalog catalog, JobStore jobs, Clock clock) {
        this.states = states;
        this.catalog = catalog;
        this.jobs = jobs;
        this.clock = clock;
    }

    public void register(RoutesConfig routes) {
        routes.exception(StateException.class, (e, ctx) -> ErrorResponses.write(ctx, switch (e.kind()) {
            case BAD_REQUEST -> 400;
            case TOO_LARGE -> 413;
            case UNAVAILABLE -> 503;
            case DISABLED -> 501;
        }, e.getMessage()));
        routes.get("/worker/state/{ws}/tasks/{name}", ctx -> read(ctx, task(ctx)));
        routes.get("/worker/state/{ws}/global", ctx -> read(ctx, TaskStates.GLOBAL));
        routes.post("/worker/state/{ws}/tasks/{name}", ctx -> write(ctx, task(ctx)));
        routes.post("/worker/state/{ws}/global", ctx -> write(ctx, TaskStates.GLOBAL));
        routes.post("/api/workspaces/{ws}/tasks/{name}/state", ctx -> upload(ctx, task(ctx)), Access.RUN_TASK);
        routes.post("/api/workspaces/{ws}/state", ctx -> upload(ctx, TaskStates.GLOBAL), Access.ADMIN);
    }

    /** The task named in the path; 404 when the workspace or the task is unknown. */
    private String task(Context ctx) {
        String ws = workspace(ctx);
        String name = ctx.pathParam("name");
        catalog.snapshot().task(ws, name).orElseThrow(() -> new NotFoundResponse("no task named \"" + name
                + "\" in workspace \"" + ws + "\""));
        return name;
    }

    private String workspace(Context ctx) {
        String ws = ctx.pathParam("ws");
        catalog.workspace(ws).orElseThrow(() -> new NotFoundResponse("no workspace named \"" + ws + "\""));
        return ws;
    }

    private void read(Context ctx, String task) throws IOException {
        var latest = states.openLatest(workspace(ctx), task);
        if (latest.isEmpty()) {
            ctx.status(204);
            return;
        }
        var snapshot = latest.get().snapshot();
        try (InputStream in = latest.get().tarGz()) {
            var res = ctx.res();
            res.setStatus(200);
            res.setContentType("application/gzip");
            res.setHeader(SNAPSHOT_HEADER, snapshot.snapshotId());
            if (snapshot.stateJson() != null && snapshot.stateJson().length() <= MAX_STATE_HEADER_CHARS) {
                res.setHeader(STATE_HEADER, snapshot.stateJson());
            } else if (snapshot.stateJson() != null) {
                res.setHeader(STATE_INSIDE_HEADER, "true");
            }
            res.setContentLengthLong(snapshot.sizeBytes());
            try (OutputStream out = res.getOutputStream()) {
                in.transferTo(out);
            }
        }
    }

    private void write(Context ctx, String task) throws IOException {
        String ws = workspace(ctx);
        String jobId = ctx.queryParam("job_id");
        if (jobId != null) {
            IdParams.require("job id", jobId);
            jobs.findJob(jobId).orElseThrow(() -> new NotFoundResponse("no job with id " + jobId));
        }
        String snapshotId = ctx.header(SNAPSHOT_HEADER);
        if (snapshotId != null) {
            IdParams.require("snapshot id (" + SNAPSHOT_HEADER + ")", snapshotId);
        }
        boolean stateInside = "true".equalsIgnoreCase(ctx.header(STATE_INSIDE_HEADER));
        if (stateInside && ctx.header(STATE_HEADER) != null) {
            throw new BadRequestResponse("send the state either in " + STATE_HEADER + " or, with " + STATE_INSIDE_HEADER
                    + ": true, as the snapshot's root state.json, not both");
        }
        refuseOversize(ctx);
        try (InputStream body = ctx.req().getInputStream()) {
            var written = stateInside ? states.writeWithStateInside(ws, task, jobId, snapshotId, body)
                    : states.write(ws, task, jobId, snapshotId, body, ctx.header(STATE_HEADER));
            ctx.status(written.created() ? 201 : 200).json(view(written.snapshot()));
        }
    }

    private void upload(Context ctx, String task) throws IOException {
        String ws = workspace(ctx);
        var mode = TaskStates.Mode.REPLACE;
        var values = new LinkedHashMap<String, String>();
        for (var param : ctx.queryParamMap().entrySet()) {
            String value = param.getValue().isEmpty() ? "" : param.getValue().get(param.getValue().size() - 1);
            if (param.getKey().equals("mode")) {
                mode = switch (value.toLowerCase(Locale.ROOT)) {
                    case "replace", "" -> TaskStates.Mode.REPLACE;
                    case "merge" -> TaskStates.Mode.MERGE;
                    default -> throw new BadRequestResponse("mode: expected \"replace\" or \"merge\", got \"" + value + "\"");
                };
            } else {
                values.put(param.getKey(), value);
            }
        }
        refuseOversize(ctx);
        String jobId = UUID.randomUUID().toString();
        Snapshot snapshot;
        try (InputStream body = ctx.req().getInputStream()) {
            snapshot = states.upload(ws, task, jobId, mode, values, body);
        }
        // The audit record of the upload, as the original keeps it: a completed job of source "upload".
        var who = RouteGuard.principal(ctx);
        var input = new LinkedHashMap<String, Object>();
        input.put("uploader", who.email() != null ? who.email() : who.kind().name().toLowerCase(Locale.ROOT));
        input.put("mode", mode.name().toLowerCase(Locale.ROOT));
        input.put("size_bytes", snapshot.sizeBytes());
        input.put("sha256", snapshot.sha256());
        input.put("snapshot_id", snapshot.snapshotId());
        var now = clock.instant();
        jobs.createFinishedJob(new Job(jobId, ws, task.isEmpty() ? "_global_state" : task, JobStatus.COMPLETED, input,
                SOURCE_UPLOAD, snapshot.snapshotId(), null, null, null, null, now, now, now));
        var body = view(snapshot);
        body.put("job_id", jobId);
        ctx.status(201).json(body);
    }

    private static void refuseOversize(Context ctx) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > TaskStates.MAX_SNAPSHOT_BYTES) {
            throw new StateException(StateException.Kind.TOO_LARGE, "a state snapshot is at most "
                    + TaskStates.MAX_SNAPSHOT_BYTES + " bytes (50 MB); got " + declared);
        }
    }

    private static Map<String, Object> view(Snapshot s) {
        var body = new LinkedHashMap<String, Object>();
        body.put("snapshot_id", s.snapshotId());
        body.put("workspace", s.workspace());
        body.put("task_name", s.taskName().isEmpty() ? null : s.taskName());
        body.put("size_bytes", s.sizeBytes());
        body.put("sha256", s.sha256());
        body.put("created_at", s.createdAt().toString());
        return body;
    }

}
