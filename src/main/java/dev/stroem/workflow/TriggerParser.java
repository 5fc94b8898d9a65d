package dev.stroem.workflow;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads one entry of a workflow file's {@code triggers:} mapping. Everything checkable within the
 * entry is checked here (type, fields, cron, time zone, webhook name, mode, timeout); whether the
 * task exists and whether names collide across files is the {@link WorkspaceLoader}'s.
 */
final class TriggerParser {
    private static final Pattern WEBHOOK_NAME = Pattern.compile("[A-Za-z0-9_-]+");
    /** Fields of {@code type: event_source}: a kind of trigger we do not run. */
    private static final Set<String> EVENT_SOURCE = Set.of("event_source");
    private static final Set<String> SCHEDULER_ONLY = Set.of("cron", "timezone", "concurrency");
    private static final Set<String> WEBHOOK_ONLY = Set.of("name", "secret", "mode", "timeout_secs");

    private final WorkflowFileParser fields;

    TriggerParser(WorkflowFileParser fields) {
        this.fields = fields;
    }

    record RawTrigger(
            @JsonProperty("type") String type,
            @JsonProperty("task") String task,
            @JsonProperty("input") Map<String, Object> input,
            @JsonProperty("enabled") Boolean enabled,
            @JsonProperty("cron") String cron,
            @JsonProperty("timezone") String timezone,
            @JsonProperty("concurrency") String concurrency,
            @JsonProperty("name") String name,
            @JsonProperty("secret") String secret,
            @JsonProperty("mode") String mode,
            @JsonProperty("timeout_secs") Integer timeoutSecs) {}

    /** The trigger, or null with its problems added to {@code errors}. */
    Trigger parse(String file, String name, JsonNode node, List<WorkflowError> errors) {
        var problems = new ArrayList<String>();
        String unsafe = NameRules.unsafe(name);
        if (unsafe != null) {
            problems.add(unsafe);
        }
        JsonNode typeNode = node == null ? null : node.get("type");
        String type = typeNode != null && typeNode.isTextual() ? typeNode.asText() : null;
        if (type != null && EVENT_SOURCE.contains(type)) {
            problems.add("'event_source' triggers are not supported by Strøm for the JVM");
        } else if (type != null && !type.equals(ScheduleTrigger.TYPE) && !type.equals(WebhookTrigger.TYPE)) {
            problems.add("trigger type '" + type + "' is unknown (expected scheduler or webhook)");
        }
        Trigger trigger = null;
        if (problems.isEmpty()) {
            RawTrigger raw = fields.bind(node, RawTrigger.class, Set.of(), problems::add);
            if (raw != null) {
                trigger = build(file, name, raw, node, problems);
            }
        }
        for (String problem : problems) {
            errors.add(WorkflowError.ofFile(file, null, "trigger '" + NameRules.printable(name) + "': " + problem));
        }
        return problems.isEmpty() ? trigger : null;
    }

    private static Trigger build(String file, String name, RawTrigger raw, JsonNode node, List<String> problems) {
        if (raw.type() == null) {
            problems.add("'type' is required (scheduler or webhook)");
            return null;
        }
        if (raw.task() == null || raw.task().isBlank()) {
            problems.add("'task' is required");
        }
        boolean scheduler = raw.type().equals(ScheduleTrigger.TYPE);
        for (String field : scheduler ? WEBHOOK_ONLY : SCHEDULER_ONLY) {
            if (node.has(field)) {
                problems.add("'" + field + "' is not a field of a " + raw.type() + " trigger");
            }
        }
        boolean enabled = raw.enabled() == null || raw.enabled();
        if (scheduler) {
            CronSchedule schedule = null;
            ScheduleTrigger.Concurrency concurrency = null;
            try {
                schedule = CronSchedule.parse(raw.cron(), raw.timezone());
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
            try {
                concurrency = ScheduleTrigger.Concurrency.parse(raw.concurrency());
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
            return problems.isEmpty()
                    ? new ScheduleTrigger(name, raw.task(), raw.input(), enabled, schedule, concurrency, file)
                    : null;
        }
        if (raw.name() == null || raw.name().isBlank()) {
            problems.add("'name' is required (the webhook's URL name: /hooks/{name})");
        } else if (!WEBHOOK_NAME.matcher(raw.name()).matches()) {
            problems.add("'name' '" + NameRules.printable(raw.name())
                    + "' may only hold letters, digits, '-' and '_' (it is part of the URL /hooks/{name})");
        }
        if (raw.mode() != null && !raw.mode().equals("async") && !raw.mode().equals("sync")) {
            problems.add("'mode' '" + raw.mode() + "' is not one of async, sync");
        }
        int timeout = raw.timeoutSecs() == null ? WebhookTrigger.DEFAULT_TIMEOUT_SECS : raw.timeoutSecs();
        if (timeout < 1 || timeout > WebhookTrigger.MAX_TIMEOUT_SECS) {
            problems.add("'timeout_secs' must be between 1 and " + WebhookTrigger.MAX_TIMEOUT_SECS + ", got " + timeout);
        }
        if (raw.secret() != null && raw.secret().isEmpty()) {
            problems.add("'secret' is empty (leave it out for a public webhook)");
        }
        return problems.isEmpty()
                ? new WebhookTrigger(name, raw.name(), raw.task(), raw.secret(), raw.input(), enabled,
                        "sync".equals(raw.mode()), timeout, file)
                : null;
    }
}
