package dev.stroem.triggers;

import dev.stroem.jobs.Job;
import java.util.Map;

/**
 * A job created by a webhook, with what its callers see of it.
 *
 * @param output the job's output when it completed, else null
 */
public record WebhookJob(Job job, Map<String, Object> output) {

    public boolean ended() {
        return job.status().isTerminal();
    }
}
