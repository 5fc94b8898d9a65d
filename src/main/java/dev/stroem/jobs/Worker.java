package dev.stroem.jobs;

import java.time.Instant;
import java.util.List;

/**
 * A registered worker; {@code status} is {@code active} or {@code inactive}; {@code exclusive} as in
 * {@link WorkerRouting}.
 */
public record Worker(
        String workerId,
        String name,
        List<String> capabilities,
        List<String> tags,
        String version,
        String status,
        Instant registeredAt,
        Instant lastHeartbeat,
        boolean exclusive) {

    /** A worker that is not exclusive. */
    public Worker(String workerId, String name, List<String> capabilities, List<String> tags, String version,
            String status, Instant registeredAt, Instant lastHeartbeat) {
        this(workerId, name, capabilities, tags, version, status, registeredAt, lastHeartbeat, false);
    }

    public static final String ACTIVE = "active";
    public static final String INACTIVE = "inactive";
}
