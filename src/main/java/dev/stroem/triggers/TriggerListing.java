package dev.stroem.triggers;

import dev.stroem.workflow.ScheduleTrigger;
import dev.stroem.workflow.WebhookTrigger;
import dev.stroem.workflow.Workspace;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/** Builds the trigger list of a workspace with each scheduler trigger's upcoming fire times. */
public final class TriggerListing {
    static final int NEXT_RUNS = 5;
    /** {@code 2026-02-19T02:00:00+00:00}, the original's form. */
    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssxxx");

    private final CronScheduler scheduler;
    private final Clock clock;

    public TriggerListing(CronScheduler scheduler, Clock clock) {
        this.scheduler = scheduler;
        this.clock = clock;
    }

    public List<TriggerView> list(Workspace workspace) {
        var out = new ArrayList<TriggerView>();
        for (var trigger : workspace.triggers().values()) {
            // A trigger may give a secret input its value: shown masked, as in the jobs it creates.
            var input = workspace.task(trigger.task()).map(t -> t.hidingSecretInputs(trigger.input())).orElse(trigger.input());
            if (trigger instanceof ScheduleTrigger s) {
                out.add(new TriggerView(s.name(), s.type(), s.task(), s.enabled(), input, s.schedule().expression(),
                        s.schedule().zone().getId(), s.concurrency().wireName(),
                        s.enabled() ? nextRuns(workspace.name(), s) : List.of(), null, null, null, null));
            } else if (trigger instanceof WebhookTrigger w) {
                out.add(new TriggerView(w.name(), w.type(), w.task(), w.enabled(), input, null, null, null, null,
                        w.webhookName(), w.mode(), w.timeoutSecs(), w.secret() != null));
            }
        }
        return out;
    }

    /**
     * The persisted next fire time first when the leader scheduled the trigger with its current
     * expression (it may be a slot missed during downtime, about to fire), then the ones after it.
     */
    private List<String> nextRuns(String workspace, ScheduleTrigger trigger) {
        var schedule = trigger.schedule();
        Instant now = clock.instant();
        var runs = new ArrayList<Instant>();
        scheduler.scheduledRow(workspace, trigger.name())
                .filter(row -> schedule.sameAs(row.cron(), row.timezone()))
                .ifPresent(row -> runs.add(row.nextFireAt()));
        Instant from = runs.isEmpty() ? now : runs.get(0);
        runs.addAll(schedule.next(from, NEXT_RUNS - runs.size()));
        return runs.stream().map(i -> ISO.format(i.atOffset(ZoneOffset.UTC))).toList();
    }
}
