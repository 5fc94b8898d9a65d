package dev.stroem.workflow;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads a {@link WorkspaceCatalog} when its workflow files change, checking every interval.
 * Polling rather than file-system events: events are unreliable on network and container mounts.
 */
public final class WorkspacePoller implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WorkspacePoller.class);

    private final WorkspaceCatalog catalog;
    private final ScheduledExecutorService scheduler;

    /** Starts polling at once. */
    public WorkspacePoller(WorkspaceCatalog catalog, Duration interval) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("poll interval must be positive");
        }
        this.catalog = catalog;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            var thread = new Thread(r, "workspace-poller");
            thread.setDaemon(true);
            return thread;
        });
        long millis = interval.toMillis();
        scheduler.scheduleWithFixedDelay(this::check, millis, millis, TimeUnit.MILLISECONDS);
    }

    private void check() {
        try {
            if (catalog.reloadIfChanged()) {
                var snapshot = catalog.snapshot();
                long problems = snapshot.workspaces().values().stream().mapToLong(ws -> ws.errors().size()).sum();
                LOG.info("Workflow files changed; reloaded {} workspaces ({} problems)", snapshot.workspaces().size(), problems);
            }
        } catch (RuntimeException e) {
            // A failed check must not end the schedule: the next one may succeed.
            LOG.warn("Checking workflow files for changes failed", e);
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
