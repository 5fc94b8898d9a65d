package dev.stroem.triggers;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * One trigger in {@code GET /api/workspaces/{ws}/triggers}: the original's fields ({@code name, type,
 * cron, task, enabled, input, next_runs}) and ours beside them. A webhook's secret is never shown,
 * only whether it has one.
 *
 * @param nextRuns the next five fire times (ISO 8601 with offset, UTC), scheduler triggers only
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TriggerView(
        @JsonProperty("name") String name,
        @JsonProperty("type") String type,
        @JsonProperty("task") String task,
        @JsonProperty("enabled") boolean enabled,
        @JsonProperty("input") Map<String, Object> input,
        @JsonProperty("cron") String cron,
        @JsonProperty("timezone") String timezone,
        @JsonProperty("concurrency") String concurrency,
        @JsonProperty("next_runs") List<String> nextRuns,
        @JsonProperty("webhook_name") String webhookName,
        @JsonProperty("mode") String mode,
        @JsonProperty("timeout_secs") Integer timeoutSecs,
        @JsonProperty("has_secret") Boolean hasSecret) {}
