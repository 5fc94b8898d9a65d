package dev.stroem.jobs;

import java.time.Instant;

/** A step a worker took, with its job: one row of a worker's recent work. */
public record WorkerStep(
        String jobId,
        String workspace,
        String taskName,
        JobStatus jobStatus,
        String stepName,
        String actionType,
        StepStatus status,
        Instant startedAt,
        Instant completedAt,
        String errorMessage) {}
