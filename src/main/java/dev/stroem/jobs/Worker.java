package dev.stroem.jobs;

import java.time.Instant;
import java.util.List;

/** A registered worker; {@code status} is {@code active} or {@code inactive}. */
public record Worker(
        String workerId,
        String name,
        List<String> capabilities,
        List<String> tags,
        String version,
        String status,
        Instant registeredAt,
        Instant lastHeartbeat) {

    public static final String ACTIVE = "active";
    public static final String INACTIVE = "inactive";
}
