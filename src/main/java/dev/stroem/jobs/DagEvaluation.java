package dev.stroem.jobs;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a job's steps imply once some of them have ended: which pending steps become ready,
 * which are skipped or fail, and whether the job is now over. A function of the step rows and of
 * the {@code when} conditions' verdicts.
 *
 * <p>Rules (the original Strøm's):
 * <ul>
 *   <li>a dependency is satisfied when it completed or was skipped, or — for a step with
 *       {@code continue_on_failure} — when it failed or was cancelled;
 *   <li>a step with a failed or cancelled dependency is skipped unless it has
 *       {@code continue_on_failure} (a skipped dependency does not do this);
 *   <li>a step all of whose dependencies were skipped is skipped too (the cascade of a branch
 *       that was not taken), unless it has {@code continue_on_failure};
 *   <li>a step whose dependencies are satisfied is ready — when it has a {@code when}
 *       condition, only if that renders truthy; falsy skips it, a render error fails it.
 * </ul>
 * The job completes when every step ended and no failure is intolerable; a failed step with
 * {@code continue_on_failure} is tolerable. Skipped steps do not decide the outcome: the
 * failure that caused them does.
 *
 * @param ready steps that become ready
 * @param skipped steps that are skipped, in the order decided
 * @param skipReasons the error message of a skipped step, for those that have one (a failed
 *     dependency); a step skipped by its own condition or by a branch not taken has none, as in
 *     the original
 * @param failed steps that fail now, with their error message (a condition that cannot render)
 * @param jobOutcome the job's end, once every step ended
 * @param decisions what a step's {@code when} or {@code for_each} decided, in words, by step: the
 *     orchestrator's server events
 */
public record DagEvaluation(List<String> ready, List<String> skipped, Map<String, String> skipReasons,
        Map<String, String> failed, Map<String, List<Object>> expansions, Map<String, List<Object>> loopsCompleted,
        Optional<JobStatus> jobOutcome, Map<String, String> decisions) {

    /** Error message of a step skipped because a dependency failed or was cancelled. */
    public static final String DEPENDENCY_FAILED = "Skipped: a dependency did not complete";

    /** Decides a step's {@code when} once its dependencies are satisfied. */
    @FunctionalInterface
    public interface Conditions {
        Verdict evaluate(JobStep step);
    }

    /** A condition's verdict: run, skip, fail (with the message), or undecidable now (stays pending). */
    public record Verdict(Kind kind, String error) {
        public enum Kind { RUN, SKIP, FAIL, UNDECIDED }

        public static final Verdict RUN = new Verdict(Kind.RUN, null);
        public static final Verdict SKIP = new Verdict(Kind.SKIP, null);
        public static final Verdict UNDECIDED = new Verdict(Kind.UNDECIDED, null);

        public static Verdict fail(String error) {
            return new Verdict(Kind.FAIL, error);
        }
    }

    /** Renders a loop placeholder's {@code for_each} once its dependencies are satisfied and its condition holds. */
    @FunctionalInterface
    public interface Loops {
        Items items(JobStep placeholder);
    }

    /** A {@code for_each}'s items, or why there are none: an error, or undecidable now (stays pending). */
    public record Items(List<Object> items, String error) {
        public static final Items UNDECIDED = new Items(null, null);

        public static Items of(List<Object> items) {
            return new Items(items, null);
        }

        public static Items fail(String error) {
            return new Items(null, error);
        }
    }

    /** Without a way to evaluate templates: steps with a condition and loops stay pending. */
    public static DagEvaluation of(List<JobStep> steps) {
        return of(steps, step -> Verdict.UNDECIDED, step -> Items.UNDECIDED);
    }

    public static DagEvaluation of(List<JobStep> steps, Conditions conditions) {
        return of(steps, conditions, step -> Items.UNDECIDED);
    }

    public static DagEvaluation of(List<JobStep> steps, Conditions conditions, Loops loops) {
        var status = new HashMap<String, StepStatus>();
        // Skips caused by a failure upstream say so, also further down a chain of skipped steps.
        var failureSkips = new java.util.HashSet<String>();
        for (var s : steps) {
            status.put(s.stepName(), s.status());
            if (s.status() == StepStatus.SKIPPED && DEPENDENCY_FAILED.equals(s.errorMessage())) {
                failureSkips.add(s.stepName());
            }
        }
        var ready = new ArrayList<String>();
        var skipped = new ArrayList<String>();
        var reasons = new LinkedHashMap<String, String>();
        var failed = new LinkedHashMap<String, String>();
        var expansions = new LinkedHashMap<String, List<Object>>();
        var loopsCompleted = new LinkedHashMap<String, List<Object>>();
        var instances = new LinkedHashMap<String, List<JobStep>>();
        var decisions = new LinkedHashMap<String, String>();
        for (var s : steps) {
            if (s.control().loop() != null) {
                instances.computeIfAbsent(s.control().loop().source(), k -> new ArrayList<>()).add(s);
            }
        }
        instances.values().forEach(list -> list.sort(java.util.Comparator.comparingInt(s -> s.control().loop().index())));
        // Skips cascade through chains of pending steps, so settle until nothing changes.
        boolean changed = true;
        while (changed) {
            changed = false;
            for (var placeholder : steps) {
                if (placeholder.control().isPlaceholder() && status.get(placeholder.stepName()) == StepStatus.RUNNING) {
                    changed |= settleLoop(placeholder, instances.getOrDefault(placeholder.stepName(), List.of()), status,
                            ready, skipped, failed, loopsCompleted);
                }
            }
            for (var step : steps) {
                if (status.get(step.stepName()) != StepStatus.PENDING || step.control().loop() != null) {
                    continue;
                }
                var dependencies = dependencies(step, status);
                StepStatus next = StepStatus.PENDING;
                if (dependencies == Dependencies.FAILED) {
                    next = StepStatus.SKIPPED;
                    reasons.put(step.stepName(), DEPENDENCY_FAILED);
                } else if (dependencies == Dependencies.ALL_SKIPPED) {
                    next = StepStatus.SKIPPED;
                    if (step.dependsOn().stream().anyMatch(failureSkips::contains)) {
                        reasons.put(step.stepName(), DEPENDENCY_FAILED);
                    }
                } else if (dependencies == Dependencies.SATISFIED) {
                    var verdict = step.control().whenCondition() == null ? Verdict.RUN : conditions.evaluate(step);
                    String when = step.control().whenCondition();
                    if (when != null && verdict.kind() == Verdict.Kind.RUN) {
                        decisions.put(step.stepName(), "when condition " + when + " is true: the step runs");
                    } else if (verdict.kind() == Verdict.Kind.SKIP) {
                        decisions.put(step.stepName(), "when condition " + when + " is false: the step is skipped");
                    }
                    next = switch (verdict.kind()) {
                        case RUN -> step.control().isPlaceholder() ? expand(step, loops, failed, expansions, decisions)
                                : StepStatus.READY;
                        case SKIP -> StepStatus.SKIPPED;
                        case FAIL -> {
                            failed.put(step.stepName(), verdict.error());
                            yield StepStatus.FAILED;
                        }
                        case UNDECIDED -> StepStatus.PENDING;
                    };
                }
                if (next != StepStatus.PENDING) {
                    status.put(step.stepName(), next);
                    if (next == StepStatus.READY) {
                        ready.add(step.stepName());
                    } else if (next == StepStatus.SKIPPED) {
                        skipped.add(step.stepName());
                        if (reasons.containsKey(step.stepName())) {
                            failureSkips.add(step.stepName());
                        }
                    }
                    changed = true;
                }
            }
        }
        return new DagEvaluation(ready, skipped, reasons, failed, expansions, loopsCompleted, outcome(steps, status),
                decisions);
    }

    /** A placeholder whose turn came: it runs its instances, is skipped (no items) or fails. */
    private static StepStatus expand(JobStep placeholder, Loops loops, Map<String, String> failed,
            Map<String, List<Object>> expansions, Map<String, String> decisions) {
        var items = loops.items(placeholder);
        if (items.error() != null) {
            failed.put(placeholder.stepName(), items.error());
            return StepStatus.FAILED;
        }
        if (items.items() == null) {
            return StepStatus.PENDING;
        }
        if (items.items().isEmpty()) {
            decisions.merge(placeholder.stepName(), "for_each gave no items: the step is skipped", (a, b) -> a + "; " + b);
            return StepStatus.SKIPPED; // an empty list skips the step, as in the original
        }
        int n = items.items().size();
        decisions.merge(placeholder.stepName(), "for_each gave " + n + (n == 1 ? " item" : " items") + ": "
                + n + (n == 1 ? " instance runs" : " instances run") + (placeholder.control().sequential()
                        ? " one after the other" : " in parallel"), (a, b) -> a + "; " + b);
        expansions.put(placeholder.stepName(), items.items());
        return StepStatus.RUNNING;
    }

    /**
     * A running loop: a sequential one starts its next instance or, after a failure it does not
     * tolerate, skips the rest; once every instance ended, the placeholder ends with the instances'
     * outputs (in index order, null for those without) or fails naming the failed instances.
     */
    private static boolean settleLoop(JobStep placeholder, List<JobStep> instances, Map<String, StepStatus> status,
            List<String> ready, List<String> skipped, Map<String, String> failed,
            Map<String, List<Object>> loopsCompleted) {
        if (instances.isEmpty()) {
            return false;
        }
        boolean changed = false;
        boolean tolerate = placeholder.continueOnFailure();
        if (placeholder.control().sequential()) {
            boolean broken = !tolerate && instances.stream().map(i -> status.get(i.stepName()))
                    .anyMatch(s -> s == StepStatus.FAILED || s == StepStatus.CANCELLED);
            for (int i = 0; i < instances.size(); i++) {
                var name = instances.get(i).stepName();
                if (status.get(name) != StepStatus.PENDING) {
                    continue;
                }
                if (broken) {
                    status.put(name, StepStatus.SKIPPED);
                    skipped.add(name);
                    changed = true;
                } else if (i == 0 || status.get(instances.get(i - 1).stepName()).isTerminal()) {
                    status.put(name, StepStatus.READY);
                    ready.add(name);
                    changed = true;
                }
            }
        }
        if (!instances.stream().allMatch(i -> status.get(i.stepName()).isTerminal())) {
            return changed;
        }
        var failedIndexes = instances.stream().filter(i -> status.get(i.stepName()) == StepStatus.FAILED)
                .map(i -> i.control().loop().index()).toList();
        if (!failedIndexes.isEmpty() && !tolerate) {
            status.put(placeholder.stepName(), StepStatus.FAILED);
            failed.put(placeholder.stepName(), "for_each loop failed: instances " + failedIndexes + " failed");
        } else {
            var outputs = new ArrayList<Object>();
            for (var i : instances) {
                outputs.add(status.get(i.stepName()) == StepStatus.COMPLETED ? i.output() : null);
            }
            status.put(placeholder.stepName(), StepStatus.COMPLETED);
            loopsCompleted.put(placeholder.stepName(), outputs);
        }
        return true;
    }

    private enum Dependencies { WAITING, FAILED, ALL_SKIPPED, SATISFIED }

    private static Dependencies dependencies(JobStep step, Map<String, StepStatus> status) {
        boolean allEnded = true;
        boolean anyFailed = false;
        boolean allSkipped = !step.dependsOn().isEmpty();
        for (var dep : step.dependsOn()) {
            var s = status.get(dep);
            if (s == null || !s.isTerminal()) {
                allEnded = false;
                allSkipped = false;
            } else if (s == StepStatus.FAILED || s == StepStatus.CANCELLED) {
                anyFailed = true;
                allSkipped = false;
            } else if (s != StepStatus.SKIPPED) {
                allSkipped = false;
            }
        }
        if (anyFailed && !step.continueOnFailure()) {
            return Dependencies.FAILED;
        }
        if (!allEnded) {
            return Dependencies.WAITING;
        }
        if (allSkipped && !step.continueOnFailure()) {
            return Dependencies.ALL_SKIPPED;
        }
        return Dependencies.SATISFIED;
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
