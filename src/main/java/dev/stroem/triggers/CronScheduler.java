package dev.stroem.triggers;

import dev.stroem.jobs.Job;
import dev.stroem.jobs.JobConflictException;
import dev.stroem.jobs.JobNotFoundException;
import dev.stroem.jobs.Orchestrator;
import dev.stroem.jobs.store.Database;
import dev.stroem.jobs.store.JobStore;
import dev.stroem.workflow.InputException;
import dev.stroem.workflow.ScheduleTrigger;
import dev.stroem.workflow.WorkspaceCatalog;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the workspaces' scheduler triggers on the leader. Each trigger's next fire time is kept in
 * the database ({@link TriggerScheduleStore}); a round ({@link #tick}) fires every trigger whose
 * time has come and moves it to its next time after now, so slots missed while no server ran
 * collapse into one fire on start, as the original documents.
 *
 * <p>Never twice: a fire's job id is derived from the trigger and the slot, so a fire retried
 * after a crash (job created, schedule not yet advanced) finds its job instead of making a second
 * one, and the schedule is advanced by compare-and-set, so of two servers that both believe they
 * lead only one moves the trigger past a slot.
 */
public final class CronScheduler {
    private static final Logger log = LoggerFactory.getLogger(CronScheduler.class);

    private final WorkspaceCatalog catalog;
    private final TriggerScheduleStore schedules;
    private final JobStore jobs;
    private final Orchestrator orchestrator;
    private final Clock clock;

    public CronScheduler(WorkspaceCatalog catalog, Database db, JobStore jobs, Orchestrator orchestrator, Clock clock) {
        this.catalog = catalog;
        this.schedules = new TriggerScheduleStore(db);
        this.jobs = jobs;
        this.orchestrator = orchestrator;
        this.clock = clock;
    }

    /** The {@code source_id} of a trigger's jobs. */
    public static String sourceId(String workspace, String trigger) {
        return workspace + "/" + trigger;
    }

    /** The persisted state of a trigger, if it is scheduled (enabled and seen by the leader). */
    Optional<TriggerScheduleStore.Row> scheduledRow(String workspace, String trigger) {
        return schedules.find(workspace, trigger);
    }

    /**
     * One round: schedules new triggers, reschedules changed ones, forgets removed or disabled ones
     * and fires those that are due.
     *
     * @return the earliest next fire time of any trigger, or empty when none is scheduled
     */
    public Optional<Instant> tick() {
        Instant now = clock.instant();
        var rows = new java.util.HashMap<String, TriggerScheduleStore.Row>();
        for (var row : schedules.all()) {
            rows.put(sourceId(row.workspace(), row.trigger()), row);
        }
        var wanted = new HashSet<String>();
        Instant earliest = null;
        for (var workspace : catalog.snapshot().workspaces().values()) {
            for (var t : workspace.triggers().values()) {
                if (!(t instanceof ScheduleTrigger trigger) || !trigger.enabled()) {
                    continue;
                }
                String id = sourceId(workspace.name(), trigger.name());
                wanted.add(id);
                Optional<Instant> next;
                try {
                    next = step(workspace.name(), trigger, rows.get(id), now);
                } catch (RuntimeException e) {
                    // One trigger's trouble (the database briefly away) must not stop the others.
                    log.warn("trigger {}: round failed, retried next round: {}", id, e.toString());
                    continue;
                }
                if (next.isPresent() && (earliest == null || next.get().isBefore(earliest))) {
                    earliest = next.get();
                }
            }
        }
        rows.forEach((id, row) -> {
            if (!wanted.contains(id)) {
                schedules.delete(row.workspace(), row.trigger());
            }
        });
        return Optional.ofNullable(earliest);
    }

    /** Brings one trigger up to date; returns its next fire time. */
    private Optional<Instant> step(String workspace, ScheduleTrigger trigger, TriggerScheduleStore.Row row, Instant now) {
        var schedule = trigger.schedule();
        String zone = schedule.zone().getId();
        if (row == null) {
            var next = schedule.nextAfter(now);
            next.ifPresent(n -> schedules.insert(workspace, trigger.name(), schedule.expression(), zone, n));
            return next;
        }
        if (!schedule.sameAs(row.cron(), row.timezone())) {
            var next = schedule.nextAfter(now);
            if (next.isEmpty()) {
                schedules.delete(workspace, trigger.name());
            } else {
                schedules.reschedule(workspace, trigger.name(), schedule.expression(), zone, next.get());
                log.info("trigger {}: schedule changed to '{}' ({}), next fire {}", sourceId(workspace, trigger.name()),
                        schedule.expression(), zone, next.get());
            }
            return next;
        }
        Instant due = row.nextFireAt();
        if (due.isAfter(now)) {
            return Optional.of(due);
        }
        String jobId = fire(workspace, trigger, row.scheduleId(), due);
        // Missed slots (downtime) collapse into this one fire: the next is the first after now.
        var next = schedule.nextAfter(now);
        if (next.isEmpty()) {
            schedules.delete(workspace, trigger.name());
        } else if (!schedules.advance(workspace, trigger.name(), due, next.get(), jobId)) {
            log.info("trigger {}: slot {} was advanced by another server", sourceId(workspace, trigger.name()), due);
        }
        return next;
    }

    /** Fires the slot {@code due} once; returns the id of its job (or of its skip record), null when it could not run. */
    private String fire(String workspace, ScheduleTrigger trigger, String scheduleId, Instant due) {
        String sourceId = sourceId(workspace, trigger.name());
        String jobId = fireJobId(scheduleId, due);
        if (jobs.findJob(jobId).isPresent()) {
            return jobId; // fired before a crash or by another server; only the schedule was left to move
        }
        var active = jobs.activeJobsFrom(Job.SOURCE_TRIGGER, sourceId);
        try {
            switch (trigger.concurrency()) {
                case SKIP -> {
                    if (!active.isEmpty()) {
                        orchestrator.recordSkipped(jobId, workspace, trigger.task(), trigger.input(), Job.SOURCE_TRIGGER,
                                sourceId, "Skipped: job " + active.get(0).jobId() + " of this trigger is still active");
                        return jobId;
                    }
                }
                case CANCEL_PREVIOUS -> {
                    for (var previous : active) {
                        try {
                            orchestrator.cancel(previous.jobId(), "trigger " + sourceId);
                        } catch (JobConflictException | JobNotFoundException e) {
                            // It ended (or went) meanwhile: nothing left to cancel.
                        }
                    }
                }
                case ALLOW -> { }
            }
            orchestrator.createJob(jobId, workspace, trigger.task(), trigger.input(), Job.SOURCE_TRIGGER, sourceId);
            log.info("trigger {} fired for {}: job {}", sourceId, due, jobId);
        } catch (InputException | JobNotFoundException e) {
            // The workflow changed under the trigger: this slot cannot run; the next may.
            log.warn("trigger {}: fire for {} failed: {}", sourceId, due, e.getMessage());
            return null;
        } catch (RuntimeException e) {
            if (jobs.findJob(jobId).isEmpty()) {
                throw e;
            }
            // Another server inserted the same fire's job first: it fired, once.
        }
        return jobId;
    }

    /**
     * The same for every server and every retry of one slot of one scheduled trigger; a new
     * database (or a trigger removed and added again) has new schedule ids, so never an old job's id
     * (whose log file or archive object may still exist).
     */
    static String fireJobId(String scheduleId, Instant due) {
        return UUID.nameUUIDFromBytes(("stroem-trigger:" + scheduleId + "@" + due.toEpochMilli())
                .getBytes(StandardCharsets.UTF_8)).toString();
    }

    /**
     * Runs rounds on a daemon thread while {@code leader} says this server leads: each round sleeps
     * until the earliest fire time, but at most {@code maxWait} (workflow reloads and a change of
     * leader are noticed within it).
     */
    public AutoCloseable start(BooleanSupplier leader, Duration maxWait) {
        var thread = new Thread(() -> run(leader, maxWait), "cron-scheduler");
        thread.setDaemon(true);
        thread.start();
        return () -> {
            thread.interrupt();
            thread.join(Duration.ofSeconds(10).toMillis());
        };
    }

    private void run(BooleanSupplier leader, Duration maxWait) {
        while (!Thread.currentThread().isInterrupted()) {
            Instant wakeAt = clock.instant().plus(maxWait);
            try {
                if (leader.getAsBoolean()) {
                    var next = tick();
                    if (next.isPresent() && next.get().isBefore(wakeAt)) {
                        wakeAt = next.get();
                    }
                }
            } catch (RuntimeException e) {
                log.warn("scheduler round failed; the next one retries: {}", e.toString());
            }
            long millis = Duration.between(clock.instant(), wakeAt).toMillis();
            try {
                Thread.sleep(Math.max(millis, 10));
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
