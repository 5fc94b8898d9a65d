package dev.stroem.artifacts;

import java.time.Instant;

/** A stored artifact: one file a step produced, kept under {@code storageKey} in the artifact store. */
public record Artifact(String artifactId, String jobId, String stepName, String name, String contentType, long sizeBytes,
        String storageKey, Instant createdAt) {}
