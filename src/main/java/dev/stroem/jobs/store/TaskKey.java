package dev.stroem.jobs.store;

/** A task as jobs record it: workspace and task name. */
public record TaskKey(String workspace, String taskName) {}
