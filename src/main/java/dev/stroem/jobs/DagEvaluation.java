package dev.stroem.jobs;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a job's steps imply once some of them have ended: which pending steps become ready,
 * which are skipped, and whether the job is now over. A pure function of the step rows.
 *
 * <p>Rules (the original Strøm's): a step is ready once all its dependencies completed; a
 * step with a failed, skipped or cancelled dependency is skipped, unless it has
 * {@code continue_on_failure}, in which case it runs once all its dependencies have ended. The
 * job completes when every step ended and no failure is intolerable; a failed step with
 * {@code continue_on_failure} is tolerable. Skipped steps do not decide the outcome: the
 * failure that caused them does.
 */
public record DagEvaluation(List<String> ready, List<String> skipped, Optional<JobStatus> jobOutcome) {

    public static DagEvaluation of(List<JobStep> steps) {
        var status = new HashMap<String, StepStatus>();
        for (var s : steps) {
            status.put(s.stepName(), s.status());
        }
        var ready = new ArrayList<String>();
        var skipped = new ArrayList<String>();
        // Skips cascade through chains of pending steps, so settle until nothing changes.
        boolean changed = true;
        while (changed) {
            changed = false;
            for (var step : steps) {
                if (status.get(step.stepName()) != StepStatus.PENDING) {
                    continue;
                }
                var next = decide(step, status);
                if (next != StepStatus.PENDING) {
                    status.put(step.stepName(), next);
                    (next == StepStatus.READY ? ready : skipped).add(step.stepName());
                    changed = true;
                }
            }
        }
        return new DagEvaluation(ready, skipped, outcome(steps, status));
    }

    private static StepStatus decide(JobStep step, Map<String, StepStatus> status) {
        boolean allEnded = true;
        boolean anyBad = false;
        for (var dep : step.dependsOn()) {
            var s = status.get(dep);
            if (s == null || !s.isTerminal()) {
                allEnded = false;
            } else if (s != StepStatus.COMPLETED) {
                anyBad = true;
            }
        }
        if (anyBad && !step.continueOnFailure()) {
            return StepStatus.SKIPPED;
        }
        return allEnded ? StepStatus.READY : StepStatus.PENDING;
    }

    private static Optional<JobStatus> outcome(List<JobStep> steps, Map<String, StepStatus> status) {
        boolean failed = false;
        for (var step : steps) {
            var s = status.get(step.stepName());
            if (!s.isTerminal()) {
                return Optional.empty();
            }
            if ((s == StepStatus.FAILED || s == StepStatus.CANCELLED) && !step.continueOnFailure()) {
                failed = true;
            }
        }
        return Optional.of(failed ? JobStatus.FAILED : JobStatus.COMPLETED);
    }
}
