package dev.stroem.web;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.stroem.jobs.JobSecrets;
import dev.stroem.jobs.JobStatus;
import dev.stroem.jobs.Orchestrator;
import dev.stroem.jobs.store.JobFilter;
import dev.stroem.jobs.store.JobStore;
import dev.stroem.jobs.store.LogStateStore;
import dev.stroem.workflow.CatalogSnapshot;
import dev.stroem.workflow.TaskDetailView;
import dev.stroem.workflow.TaskSummaryView;
import dev.stroem.workflow.WorkspaceCatalog;
import io.javalin.config.RoutesConfig;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import java.util.Map;

/**
 * The public API of workspaces, tasks and jobs: listing, detail, execute and cancel, in the
 * original Strøm's shapes (docs/api.md).
 */
public final class JobsApi {
    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;

    private final WorkspaceCatalog catalog;
    private final Orchestrator orchestrator;
    private final JobStore jobs;
    private final LogStateStore archives;
    private final RequestBodies bodies;
    private final dev.stroem.triggers.TriggerListing triggers;
    private final JobSecrets masks;
    private final com.fasterxml.jackson.databind.ObjectMapper json;

    /** {@code archives} is null when no archive is configured (the job detail then has no {@code archive}). */
    public JobsApi(WorkspaceCatalog catalog, Orchestrator orchestrator, JobStore jobs, LogStateStore archives,
            dev.stroem.triggers.TriggerListing triggers, JobSecrets masks,
            com.fasterxml.jackson.databind.ObjectMapper json) {
        this.triggers = triggers;
        this.masks = masks;
        this.catalog = catalog;
        this.orchestrator = orchestrator;
        this.jobs = jobs;
        this.archives = archives;
        this.bodies = new RequestBodies(json);
        this.json = json;
    }

    void register(RoutesConfig routes) {
        routes.get("/api/workspaces", this::listWorkspaces, Access.SIGNED_IN);
        // Any accepted caller may ask for a reload: it changes nothing but how soon edits are seen.
        routes.post("/api/workspaces/{ws}/refresh", this::refresh, Access.SIGNED_IN);
        routes.get("/api/tasks", this::listAllTasks, Access.SIGNED_IN);
        routes.get("/api/workspaces/{ws}/tasks", this::listTasks, Access.SIGNED_IN);
        routes.get("/api/workspaces/{ws}/tasks/{name}", this::taskDetail, Access.VIEW_TASK);
        routes.post("/api/workspaces/{ws}/tasks/{name}/execute", this::execute, Access.RUN_TASK);
        routes.get("/api/jobs", this::listJobs, Access.SIGNED_IN);
        routes.get("/api/jobs/{id}", this::jobDetail, Access.VIEW_JOB);
        routes.post("/api/jobs/{id}/cancel", this::cancel, Access.RUN_JOB);
    }

    /** {@code source_job_id}: the job this one re-runs (the UI's "Run again"), kept as lineage. */
    record ExecuteRequest(@JsonProperty("input") Map<String, Object> input,
            @JsonProperty("source_job_id") String sourceJobId) {}

    /** Under an ACL: only workspaces with a task the caller may see, counting only those tasks. */
    private void listWorkspaces(Context ctx) {
        var visibility = Visibility.of(ctx);
        if (visibility.unrestricted()) {
            ctx.json(snapshot().views());
            return;
        }
        var shown = new java.util.ArrayList<com.fasterxml.jackson.databind.JsonNode>();
        for (var view : snapshot().views()) {
            var workspace = snapshot().workspace(view.name());
            long visible = workspace.map(w -> w.tasks().values().stream()
                    .filter(t -> visibility.canSee(w.name(), t.folder(), t.name())).count()).orElse(0L);
            if (visible > 0) {
                var node = (com.fasterxml.jackson.databind.node.ObjectNode) json.valueToTree(view);
                node.put("tasks_count", visible);
                shown.add(node);
            }
        }
        ctx.json(shown);
    }

    private void listTasks(Context ctx) {
        String ws = ctx.pathParam("ws");
        var workspace = snapshot().workspace(ws).orElseThrow(() -> unknownWorkspace(ws));
        var visibility = Visibility.of(ctx);
        ctx.json(workspace.tasks().values().stream().filter(t -> visibility.canSee(ws, t.folder(), t.name()))
                .map(t -> TaskSummaryView.of(workspace, t)).toList());
    }

    /** Every task of every workspace, workspace by workspace (the original's Tasks page). */
    private void listAllTasks(Context ctx) {
        var visibility = Visibility.of(ctx);
        ctx.json(snapshot().workspaces().values().stream()
                .flatMap(w -> w.tasks().values().stream()
                        .filter(t -> visibility.canSee(w.name(), t.folder(), t.name()))
                        .map(t -> TaskSummaryView.of(w, t)))
                .toList());
    }

    /** Re-reads the workspace from disk now instead of at the next poll (CI calls this before executing). */
    private void refresh(Context ctx) {
        String ws = ctx.pathParam("ws");
        snapshot().workspace(ws).orElseThrow(() -> unknownWorkspace(ws));
        var reloaded = catalog.reload();
        var body = new java.util.LinkedHashMap<String, Object>();
        body.put("workspace", ws);
        body.put("revision", reloaded.workspace(ws).map(dev.stroem.workflow.Workspace::revision).orElse(null));
        body.put("refreshed", true);
        ctx.json(body);
    }

    private void taskDetail(Context ctx) {
        String ws = ctx.pathParam("ws");
        String name = ctx.pathParam("name");
        var workspace = snapshot().workspace(ws).orElseThrow(() -> unknownWorkspace(ws));
        var task = workspace.task(name).orElseThrow(() -> unknownTask(ws, name));
        // The original lists every trigger aimed at the task, enabled or not, in the triggers API's shape.
        var aimed = triggers.list(workspace).stream().filter(t -> t.task().equals(name)).map(Object.class::cast).toList();
        ctx.json(TaskDetailView.of(ws, task, aimed));
    }

    private void execute(Context ctx) {
        var req = bodies.read(ctx, ExecuteRequest.class, new ExecuteRequest(Map.of(), null));
        String sourceJobId = blankToNull(req.sourceJobId());
        if (sourceJobId != null && jobs.findJob(sourceJobId).isEmpty()) {
            throw new BadRequestResponse("source_job_id: no job with id " + sourceJobId);
        }
        String jobId = orchestrator.createJob(ctx.pathParam("ws"), ctx.pathParam("name"),
                req.input() == null ? Map.of() : req.input(), dev.stroem.jobs.Job.SOURCE_API, sourceJobId);
        ctx.json(Map.of("job_id", jobId));
    }

    private void listJobs(Context ctx) {
        var status = ctx.queryParam("status");
        JobStatus parsed = null;
        if (status != null && !status.isBlank()) {
            try {
                parsed = JobStatus.fromWireName(status);
            } catch (IllegalArgumentException e) {
                throw new BadRequestResponse("status: " + e.getMessage());
            }
        }
        String workspace = blankToNull(ctx.queryParam("workspace"));
        String taskName = blankToNull(ctx.queryParam("task_name"));
        if (taskName != null && workspace == null) {
            // As the original: a task name is only unique within its workspace.
            throw new BadRequestResponse("task_name: filtering by task needs workspace too");
        }
        var filter = new JobFilter(workspace, taskName, parsed, blankToNull(ctx.queryParam("source_type")),
                blankToNull(ctx.queryParam("search")));
        int limit = intParam(ctx, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        int offset = intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE);
        var visibility = Visibility.of(ctx);
        var page = visibility.unrestricted() ? jobs.listJobs(filter, limit, offset)
                : jobs.listJobs(filter, visibility.visible(jobs.tasksWithJobs()), limit, offset);
        // A failed job's error_message may quote its stderr: each item is masked with its own job's secrets.
        ctx.json(Map.of("items", page.items().stream()
                .map(job -> MaskedJson.of(json, JobView.summary(job), masks.forJob(job))).toList(), "total", page.total()));
    }

    private void jobDetail(Context ctx) {
        String id = IdParams.jobId(ctx);
        var job = jobs.findJob(id).orElseThrow(() -> new NotFoundResponse("no job with id " + id));
        var archive = archives == null ? null : archives.find(id).orElse(null);
        // Secrets in inputs, outputs, error messages and hook context never leave the server.
        ctx.json(MaskedJson.of(json, JobDetailView.of(job, jobs.steps(id), archive, jobs.hookJobsOf(id)), masks.forJob(id)));
    }

    private void cancel(Context ctx) {
        orchestrator.cancel(ctx.pathParam("id"), "api");
        ctx.json(Map.of("status", "cancelled"));
    }

    private CatalogSnapshot snapshot() {
        return catalog.snapshot();
    }

    static int intParam(Context ctx, String name, int fallback, int min, int max) {
        String raw = ctx.queryParam(name);
        if (raw == null || raw.isBlank()) {
            return fallback;
        }
        try {
            int v = Integer.parseInt(raw.trim());
            if (v < min || v > max) {
                throw new BadRequestResponse(name + ": must be between " + min + " and " + max + ", got " + v);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new BadRequestResponse(name + ": expected a whole number, got \"" + raw + "\"");
        }
    }

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static NotFoundResponse unknownWorkspace(String ws) {
        return new NotFoundResponse("no workspace named \"" + ws + "\"");
    }

    private static NotFoundResponse unknownTask(String ws, String name) {
        return new NotFoundResponse("no task named \"" + name + "\" in workspace \"" + ws + "\"");
    }
}
