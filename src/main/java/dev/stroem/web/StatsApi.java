package dev.stroem.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.stroem.jobs.Job;
import dev.stroem.jobs.JobStatus;
import dev.stroem.jobs.JobStep;
import dev.stroem.jobs.StepStatus;
import dev.stroem.jobs.store.JobStore;
import dev.stroem.workflow.WorkspaceCatalog;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Counters and durations in the original's shapes: {@code GET /api/stats} (jobs per status, the
 * dashboard) and {@code GET /api/workspaces/{ws}/tasks/{name}/stats} (duration percentiles over
 * a task's latest completed runs, overall and per step).
 */
public final class StatsApi {
    static final int DEFAULT_WINDOW = 50;
    static final int MAX_WINDOW = 500;

    private final JobStore jobs;
    private final WorkspaceCatalog catalog;

    public StatsApi(JobStore jobs, WorkspaceCatalog catalog) {
        this.jobs = jobs;
        this.catalog = catalog;
    }

    /** Registers the routes. */
    public void register(RoutesConfig routes) {
        routes.get("/api/stats", this::stats, Access.SIGNED_IN);
        routes.get("/api/workspaces/{ws}/tasks/{name}/stats", this::taskStats, Access.VIEW_TASK);
    }

    private void stats(Context ctx) {
        var counts = jobs.countByStatus();
        var body = new LinkedHashMap<String, Long>();
        for (var status : JobStatus.values()) {
            body.put(status.wireName(), counts.getOrDefault(status, 0L));
        }
        // The original counts jobs a trigger skipped (concurrency); no job ends that way here.
        body.putIfAbsent("skipped", 0L);
        ctx.json(body);
    }

    private void taskStats(Context ctx) {
        String ws = ctx.pathParam("ws");
        String name = ctx.pathParam("name");
        var workspace = catalog.snapshot().workspace(ws)
                .orElseThrow(() -> new NotFoundResponse("no workspace named \"" + ws + "\""));
        workspace.task(name).orElseThrow(() -> new NotFoundResponse(
                "no task named \"" + name + "\" in workspace \"" + ws + "\""));
        int window = clampedLimit(ctx.queryParam("limit"));
        List<Job> recent = jobs.recentCompleted(ws, name, window);
        var recentRuns = new ArrayList<RecentRun>();
        var taskDurations = new ArrayList<Double>();
        for (var job : recent) {
            Instant start = job.startedAt() != null ? job.startedAt() : job.createdAt();
            double ms = Duration.between(start, job.completedAt()).toMillis();
            taskDurations.add(ms);
            recentRuns.add(new RecentRun(job.jobId(), ms, job.completedAt()));
        }
        var byStep = new LinkedHashMap<String, List<Double>>();
        for (JobStep step : jobs.stepsOf(recent.stream().map(Job::jobId).toList())) {
            if (step.status() == StepStatus.COMPLETED && step.startedAt() != null && step.completedAt() != null) {
                byStep.computeIfAbsent(step.stepName(), k -> new ArrayList<>())
                        .add((double) Duration.between(step.startedAt(), step.completedAt()).toMillis());
            }
        }
        var steps = byStep.entrySet().stream()
                .map(e -> StepDurations.of(e.getKey(), Durations.of(e.getValue())))
                .toList();
        ctx.json(new TaskStats(window, TaskDurations.of(Durations.of(taskDurations), recentRuns), steps));
    }

    /** The original clamps the window into [1, 500] rather than refusing it; a non-number is the default. */
    static int clampedLimit(String raw) {
        if (raw == null || raw.isBlank()) {
            return DEFAULT_WINDOW;
        }
        try {
            return (int) Math.max(1, Math.min(MAX_WINDOW, Long.parseLong(raw.trim())));
        } catch (NumberFormatException e) {
            throw new io.javalin.http.BadRequestResponse("limit: expected a whole number, got \"" + raw + "\"");
        }
    }

    /** Aggregates of one sample; every value null when the sample is empty. */
    record Durations(int sampleSize, Double avg, Double p50, Double p95, Double min, Double max) {
        static Durations of(List<Double> values) {
            if (values.isEmpty()) {
                return new Durations(0, null, null, null, null, null);
            }
            var sorted = values.stream().sorted().toList();
            double avg = sorted.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
            return new Durations(sorted.size(), avg, percentile(sorted, 0.50), percentile(sorted, 0.95),
                    sorted.get(0), sorted.get(sorted.size() - 1));
        }

        /** Linear interpolation between closest ranks (PostgreSQL's {@code percentile_cont}). */
        static double percentile(List<Double> sorted, double p) {
            double rank = p * (sorted.size() - 1);
            int lower = (int) Math.floor(rank);
            int upper = (int) Math.ceil(rank);
            return sorted.get(lower) + (sorted.get(upper) - sorted.get(lower)) * (rank - lower);
        }
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    record TaskStats(@JsonProperty("window") int window, @JsonProperty("task") TaskDurations task,
            @JsonProperty("steps") List<StepDurations> steps) {}

    @JsonInclude(JsonInclude.Include.ALWAYS)
    record RecentRun(@JsonProperty("job_id") String jobId, @JsonProperty("duration_ms") double durationMs,
            @JsonProperty("completed_at") Instant completedAt) {}

    @JsonInclude(JsonInclude.Include.ALWAYS)
    record TaskDurations(
            @JsonProperty("sample_size") int sampleSize,
            @JsonProperty("avg_ms") Double avgMs,
            @JsonProperty("p50_ms") Double p50Ms,
            @JsonProperty("p95_ms") Double p95Ms,
            @JsonProperty("min_ms") Double minMs,
            @JsonProperty("max_ms") Double maxMs,
            @JsonProperty("recent") List<RecentRun> recent) {
        static TaskDurations of(Durations d, List<RecentRun> recent) {
            return new TaskDurations(d.sampleSize(), d.avg(), d.p50(), d.p95(), d.min(), d.max(), recent);
        }
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    record StepDurations(
            @JsonProperty("step_name") String stepName,
            @JsonProperty("sample_size") int sampleSize,
            @JsonProperty("avg_ms") Double avgMs,
            @JsonProperty("p50_ms") Double p50Ms,
            @JsonProperty("p95_ms") Double p95Ms,
            @JsonProperty("min_ms") Double minMs,
            @JsonProperty("max_ms") Double maxMs) {
        static StepDurations of(String name, Durations d) {
            return new StepDurations(name, d.sampleSize(), d.avg(), d.p50(), d.p95(), d.min(), d.max());
        }
    }
}
