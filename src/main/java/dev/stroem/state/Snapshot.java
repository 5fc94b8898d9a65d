package dev.stroem.state;

import java.time.Instant;

/** A stored state snapshot of a task ({@code taskName}) or of a workspace ({@code taskName} empty: global state). */
public record Snapshot(String snapshotId, String workspace, String taskName, String jobId, String storageKey, long sizeBytes,
        String sha256, String stateJson, Instant createdAt) {}
