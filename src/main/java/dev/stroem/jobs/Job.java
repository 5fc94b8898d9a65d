package dev.stroem.jobs;

import java.time.Instant;
import java.util.Map;

/** A job row: one run of a task (or of a hook, then {@code sourceType} is {@code hook}). */
public record Job(
        String jobId,
        String workspace,
        String taskName,
        JobStatus status,
        Map<String, Object> input,
        String sourceType,
        String sourceId,
        String hookName,
        Long timeoutSecs,
        String errorMessage,
        String cancelledBy,
        Instant createdAt,
        Instant startedAt,
        Instant completedAt) {

    public static final String SOURCE_API = "api";
    public static final String SOURCE_HOOK = "hook";
    /** Created by a scheduler trigger; {@code sourceId} is {@code {workspace}/{trigger}}. */
    public static final String SOURCE_TRIGGER = "trigger";
    /** Created by a webhook call; {@code sourceId} is {@code {workspace}/{trigger}}. */
    public static final String SOURCE_WEBHOOK = "webhook";
}
