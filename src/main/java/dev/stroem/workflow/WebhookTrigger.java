package dev.stroem.workflow;

import java.util.Map;

/**
 * A {@code type: webhook} trigger: {@code GET|POST /hooks/{webhookName}} runs {@code task}.
 *
 * @param webhookName the URL name ({@code name:} in YAML; letters, digits, {@code -} and {@code _})
 * @param secret required from callers (query {@code secret} or bearer token) when not null
 * @param sync whether the call waits for the job to end ({@code mode: sync})
 * @param timeoutSecs how long a sync call waits (1–300, default 30)
 */
public record WebhookTrigger(
        String name,
        String webhookName,
        String task,
        String secret,
        Map<String, Object> input,
        boolean enabled,
        boolean sync,
        int timeoutSecs,
        String file) implements Trigger {

    public static final String TYPE = "webhook";
    public static final int DEFAULT_TIMEOUT_SECS = 30;
    public static final int MAX_TIMEOUT_SECS = 300;

    public WebhookTrigger {
        input = OrderedCopies.map(input);
    }

    @Override
    public String type() {
        return TYPE;
    }

    /** {@code async} or {@code sync}. */
    public String mode() {
        return sync ? "sync" : "async";
    }

    /** Secrets never appear in listings, logs or {@code toString}. */
    @Override
    public String toString() {
        return "WebhookTrigger[" + name + " -> /hooks/" + webhookName + ", task " + task + "]";
    }
}
