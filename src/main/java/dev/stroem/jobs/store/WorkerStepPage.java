package dev.stroem.jobs.store;

import dev.stroem.jobs.WorkerStep;
import java.util.List;

/** A worker's most recent steps and how many it took in all. */
public record WorkerStepPage(List<WorkerStep> items, long total) {}
