package dev.stroem.triggers;

import dev.stroem.jobs.Job;
import dev.stroem.jobs.JobStep;
import dev.stroem.jobs.Orchestrator;
import dev.stroem.jobs.StepStatus;
import dev.stroem.jobs.store.JobStore;
import dev.stroem.workflow.WebhookTrigger;
import dev.stroem.workflow.WorkspaceCatalog;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Webhook triggers: finds a webhook by its URL name, checks its secret, turns a call into a job
 * ({@code source_type webhook}, {@code source_id {workspace}/{trigger}}) and reports on the jobs it
 * created. HTTP stays in the web room.
 */
public final class Webhooks {
    private static final Logger log = LoggerFactory.getLogger(Webhooks.class);
    /** Input keys the call fills; the trigger's default {@code input} never overwrites them. */
    private static final Set<String> RESERVED = Set.of("body", "headers", "method", "query");
    private static final Duration POLL = Duration.ofMillis(100);

    private final WorkspaceCatalog catalog;
    private final JobStore jobs;
    private final Orchestrator orchestrator;

    public Webhooks(WorkspaceCatalog catalog, JobStore jobs, Orchestrator orchestrator) {
        this.catalog = catalog;
        this.jobs = jobs;
        this.orchestrator = orchestrator;
    }

    /** A webhook found by name, with the workspace it belongs to. */
    public record Webhook(String workspace, WebhookTrigger trigger) {
        public String sourceId() {
            return CronScheduler.sourceId(workspace, trigger.name());
        }
    }

    /**
     * The enabled webhook of that name; when several workspaces have one, the first workspace in
     * configuration order answers, as in the original.
     */
    public Optional<Webhook> find(String name) {
        for (var workspace : catalog.snapshot().workspaces().values()) {
            var found = workspace.webhook(name);
            if (found.isPresent()) {
                return Optional.of(new Webhook(workspace.name(), found.get()));
            }
        }
        return Optional.empty();
    }

    /** True when the webhook is public or {@code presented} is its secret (compared in constant time). */
    public static boolean accepts(Webhook webhook, String presented) {
        String secret = webhook.trigger().secret();
        if (secret == null) {
            return true;
        }
        return presented != null && MessageDigest.isEqual(secret.getBytes(StandardCharsets.UTF_8),
                presented.getBytes(StandardCharsets.UTF_8));
    }

    /** The job input of a call: the call's four fields, then the trigger's defaults beside them. */
    public static Map<String, Object> input(Webhook webhook, WebhookCall call) {
        var input = new LinkedHashMap<String, Object>();
        input.put("body", call.body());
        input.put("headers", call.headers());
        input.put("method", call.method());
        input.put("query", call.query());
        webhook.trigger().input().forEach((key, value) -> {
            if (!RESERVED.contains(key)) {
                input.put(key, value);
            }
        });
        return input;
    }

    /**
     * Creates the call's job.
     *
     * @throws dev.stroem.workflow.InputException when the input does not fit the task's schema
     * @throws dev.stroem.jobs.JobNotFoundException when the task is no longer loaded
     */
    public Job fire(Webhook webhook, WebhookCall call) {
        String jobId = orchestrator.createJob(UUID.randomUUID().toString(), webhook.workspace(),
                webhook.trigger().task(), input(webhook, call), Job.SOURCE_WEBHOOK, webhook.sourceId());
        log.info("webhook {} ({}) fired: job {}", webhook.trigger().webhookName(), webhook.sourceId(), jobId);
        return jobs.findJob(jobId).orElseThrow(() -> new IllegalStateException("job " + jobId + " vanished"));
    }

    /** A job of this webhook; empty for any other job, so the endpoint cannot read arbitrary jobs. */
    public Optional<WebhookJob> job(Webhook webhook, String jobId) {
        return jobs.findJob(jobId)
                .filter(job -> Job.SOURCE_WEBHOOK.equals(job.sourceType()) && webhook.sourceId().equals(job.sourceId()))
                .map(this::view);
    }

    /** Waits until the job ended or {@code timeout} passed, and returns it as it is then. */
    public WebhookJob await(Webhook webhook, String jobId, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            var job = job(webhook, jobId).orElseThrow(() -> new IllegalStateException("job " + jobId + " vanished"));
            long left = deadline - System.nanoTime();
            if (job.ended() || left <= 0) {
                return job;
            }
            // A webhook caller waits for a human-scale job; polling the row is cheap beside it.
            Thread.sleep(Math.min(POLL.toMillis(), Math.max(1, left / 1_000_000)));
        }
    }

    private WebhookJob view(Job job) {
        return new WebhookJob(job, job.status() == dev.stroem.jobs.JobStatus.COMPLETED ? output(jobs.steps(job.jobId())) : null);
    }

    /**
     * A job's output, which the original does not define beyond an example: the outputs of its
     * final steps (those no other step depends on), merged in flow order.
     */
    static Map<String, Object> output(List<JobStep> steps) {
        var dependedOn = new HashSet<String>();
        steps.forEach(s -> dependedOn.addAll(s.dependsOn()));
        var out = new LinkedHashMap<String, Object>();
        for (var step : steps) {
            if (!dependedOn.contains(step.stepName()) && step.status() == StepStatus.COMPLETED && step.output() != null) {
                out.putAll(step.output());
            }
        }
        return out;
    }
}
