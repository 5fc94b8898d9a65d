package dev.stroem.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.stroem.jobs.Worker;
import dev.stroem.jobs.WorkerStep;
import dev.stroem.jobs.store.JobStore;
import dev.stroem.jobs.store.WorkerStore;
import dev.stroem.secrets.MaskSource;
import dev.stroem.secrets.Masker;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The registered workers in the original's shapes: {@code GET /api/workers} (paged list) and
 * {@code GET /api/workers/{id}} (one worker and its 50 most recent steps).
 */
public final class WorkersApi {
    static final int RECENT_STEPS = 50;

    private final WorkerStore workers;
    private final JobStore jobs;
    private final MaskSource masks;

    /** {@code masks}: a step's error may quote its stderr, so it is shown with its job's secrets masked. */
    public WorkersApi(WorkerStore workers, JobStore jobs, MaskSource masks) {
        this.workers = workers;
        this.jobs = jobs;
        this.masks = masks;
    }

    /** Registers the routes. */
    public void register(RoutesConfig routes) {
        routes.get("/api/workers", this::list, Access.FLEET);
        routes.get("/api/workers/{id}", this::detail, Access.FLEET);
    }

    private void list(Context ctx) {
        int limit = JobsApi.intParam(ctx, "limit", JobsApi.DEFAULT_LIMIT, 1, JobsApi.MAX_LIMIT);
        int offset = JobsApi.intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE);
        // Newest first; a fleet is small enough to page in memory.
        var all = new java.util.ArrayList<>(workers.list());
        java.util.Collections.reverse(all);
        var page = all.stream().skip(offset).limit(limit).map(WorkerItem::of).toList();
        ctx.json(Map.of("items", page, "total", all.size()));
    }

    private void detail(Context ctx) {
        String id = ctx.pathParam("id");
        var worker = workers.find(id).orElseThrow(() -> new NotFoundResponse("no worker with id " + id));
        var steps = jobs.stepsOfWorker(id, RECENT_STEPS);
        ctx.json(new WorkerDetail(WorkerItem.of(worker),
                Map.of("items", steps.items().stream().map(s -> StepItem.of(s, masks.forJob(s.jobId()))).toList(), "total", steps.total())));
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    record WorkerItem(
            @JsonProperty("worker_id") String workerId,
            @JsonProperty("name") String name,
            @JsonProperty("status") String status,
            @JsonProperty("capabilities") List<String> capabilities,
            @JsonProperty("tags") List<String> tags,
            @JsonProperty("version") String version,
            @JsonProperty("last_heartbeat") Instant lastHeartbeat,
            @JsonProperty("registered_at") Instant registeredAt) {
        static WorkerItem of(Worker w) {
            return new WorkerItem(w.workerId(), w.name(), w.status(), w.capabilities(), w.tags(), w.version(),
                    w.lastHeartbeat(), w.registeredAt());
        }
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    record WorkerDetail(@JsonUnwrapped WorkerItem worker, @JsonProperty("steps") Map<String, Object> steps) {}

    @JsonInclude(JsonInclude.Include.ALWAYS)
    record StepItem(
            @JsonProperty("job_id") String jobId,
            @JsonProperty("workspace") String workspace,
            @JsonProperty("task_name") String taskName,
            @JsonProperty("job_status") String jobStatus,
            @JsonProperty("step_name") String stepName,
            @JsonProperty("action_type") String actionType,
            @JsonProperty("status") String status,
            @JsonProperty("started_at") Instant startedAt,
            @JsonProperty("completed_at") Instant completedAt,
            @JsonProperty("error_message") String errorMessage) {
        static StepItem of(WorkerStep s, Masker masker) {
            return new StepItem(s.jobId(), s.workspace(), s.taskName(), s.jobStatus().wireName(), s.stepName(),
                    s.actionType(), s.status().wireName(), s.startedAt(), s.completedAt(), MaskedJson.text(s.errorMessage(), masker));
        }
    }
}
