package dev.stroem.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DagEvaluationTest {

    static JobStep step(String name, StepStatus status, boolean continueOnFailure, String... deps) {
        return new JobStep("j", name, 0, "a", "script", List.of(deps), continueOnFailure, null, List.of(), status,
                null, null, null, null, null, null, null, null);
    }

    @Test
    void aStepIsReadyOnlyWhenAllItsDependenciesCompleted() {
        var eval = DagEvaluation.of(List.of(
                step("a", StepStatus.COMPLETED, false),
                step("b", StepStatus.RUNNING, false),
                step("c", StepStatus.PENDING, false, "a"),
                step("d", StepStatus.PENDING, false, "a", "b")));

        assertThat(eval.ready()).containsExactly("c");
        assertThat(eval.skipped()).isEmpty();
        assertThat(eval.jobOutcome()).isEmpty();
    }

    @Test
    void aFailureSkipsItsDependantsTransitively() {
        var eval = DagEvaluation.of(List.of(
                step("a", StepStatus.FAILED, false),
                step("b", StepStatus.PENDING, false, "a"),
                step("c", StepStatus.PENDING, false, "b"),
                step("other", StepStatus.COMPLETED, false)));

        assertThat(eval.skipped()).containsExactlyInAnyOrder("b", "c");
        assertThat(eval.jobOutcome()).contains(JobStatus.FAILED);
    }

    @Test
    void continueOnFailureRunsOnceEveryDependencyEnded() {
        var waiting = DagEvaluation.of(List.of(
                step("a", StepStatus.FAILED, false),
                step("b", StepStatus.RUNNING, false),
                step("cleanup", StepStatus.PENDING, true, "a", "b")));
        assertThat(waiting.ready()).isEmpty();
        assertThat(waiting.skipped()).isEmpty();

        var now = DagEvaluation.of(List.of(
                step("a", StepStatus.FAILED, false),
                step("b", StepStatus.COMPLETED, false),
                step("cleanup", StepStatus.PENDING, true, "a", "b")));
        assertThat(now.ready()).containsExactly("cleanup");
        assertThat(now.jobOutcome()).isEmpty();
    }

    @Test
    void aTolerableFailureLetsTheJobComplete() {
        var eval = DagEvaluation.of(List.of(
                step("a", StepStatus.COMPLETED, false),
                step("flaky", StepStatus.FAILED, true, "a"),
                step("after", StepStatus.PENDING, false, "flaky")));

        assertThat(eval.skipped()).containsExactly("after");
        assertThat(eval.jobOutcome()).contains(JobStatus.COMPLETED);
    }

    @Test
    void allCompletedCompletesTheJobAndAnEmptyFlowIsDone() {
        assertThat(DagEvaluation.of(List.of(step("a", StepStatus.COMPLETED, false))).jobOutcome())
                .contains(JobStatus.COMPLETED);
        assertThat(DagEvaluation.of(List.of()).jobOutcome()).isEqualTo(Optional.of(JobStatus.COMPLETED));
    }

    static JobStep conditional(String name, String when, String... deps) {
        return new JobStep("j", name, 0, "a", "script", List.of(deps), false, null, List.of(), StepStatus.PENDING,
                null, null, null, null, null, null, null, null, null,
                new StepControl(when, null, false, null, StepControl.Retry.NONE));
    }

    static DagEvaluation.Conditions verdicts(java.util.Map<String, DagEvaluation.Verdict> byStep) {
        return step -> byStep.get(step.stepName());
    }

    @Test
    void aFalseConditionSkipsTheStepWithoutAnErrorAndATrueOneMakesItReady() {
        var eval = DagEvaluation.of(List.of(
                step("setup", StepStatus.COMPLETED, false),
                conditional("fast", "{{ fast }}", "setup"),
                conditional("slow", "{{ slow }}", "setup")),
                verdicts(java.util.Map.of("fast", DagEvaluation.Verdict.RUN, "slow", DagEvaluation.Verdict.SKIP)));

        assertThat(eval.ready()).containsExactly("fast");
        assertThat(eval.skipped()).containsExactly("slow");
        assertThat(eval.skipReasons()).isEmpty();
        assertThat(eval.jobOutcome()).isEmpty();
    }

    @Test
    void aConvergenceStepRunsWhenOneBranchWasSkippedAndIsSkippedWhenAllWere() {
        var oneTaken = DagEvaluation.of(List.of(
                step("fast", StepStatus.COMPLETED, false),
                step("slow", StepStatus.SKIPPED, false),
                step("merge", StepStatus.PENDING, false, "fast", "slow")));
        assertThat(oneTaken.ready()).containsExactly("merge");

        var noneTaken = DagEvaluation.of(List.of(
                step("fast", StepStatus.SKIPPED, false),
                step("slow", StepStatus.SKIPPED, false),
                step("merge", StepStatus.PENDING, false, "fast", "slow"),
                step("after", StepStatus.PENDING, false, "merge")));
        assertThat(noneTaken.skipped()).containsExactly("merge", "after");
        assertThat(noneTaken.skipReasons()).isEmpty();
        assertThat(noneTaken.jobOutcome()).contains(JobStatus.COMPLETED);
    }

    @Test
    void continueOnFailureRunsEvenWhenAllDependenciesWereSkipped() {
        var eval = DagEvaluation.of(List.of(
                step("a", StepStatus.SKIPPED, false),
                step("report", StepStatus.PENDING, true, "a")));

        assertThat(eval.ready()).containsExactly("report");
    }

    @Test
    void aConditionThatCannotRenderFailsTheStepAndItsDependantsAreSkippedForTheFailure() {
        var eval = DagEvaluation.of(List.of(
                step("check", StepStatus.COMPLETED, false),
                conditional("proceed", "{{ check.output.missing }}", "check"),
                step("after", StepStatus.PENDING, false, "proceed"),
                step("later", StepStatus.PENDING, false, "after")),
                verdicts(java.util.Map.of("proceed", DagEvaluation.Verdict.fail("when condition error: boom"))));

        assertThat(eval.failed()).containsExactly(java.util.Map.entry("proceed", "when condition error: boom"));
        assertThat(eval.skipped()).containsExactly("after", "later");
        assertThat(eval.skipReasons()).containsOnlyKeys("after", "later");
        assertThat(eval.jobOutcome()).contains(JobStatus.FAILED);
    }

    @Test
    void aConditionIsNotEvaluatedBeforeItsDependenciesAreSatisfiedNorWithoutAnEvaluator() {
        var waiting = DagEvaluation.of(List.of(
                step("a", StepStatus.RUNNING, false),
                conditional("b", "{{ x }}", "a")),
                step -> { throw new AssertionError("evaluated too early"); });
        assertThat(waiting.ready()).isEmpty();

        var undecided = DagEvaluation.of(List.of(conditional("root", "{{ x }}")));
        assertThat(undecided.ready()).isEmpty();
        assertThat(undecided.skipped()).isEmpty();
        assertThat(undecided.jobOutcome()).isEmpty();
    }

    static JobStep placeholder(String name, StepStatus status, boolean sequential, boolean continueOnFailure,
            String... deps) {
        return new JobStep("j", name, 0, "a", "script", List.of(deps), continueOnFailure, null, List.of(), status,
                null, null, null, null, null, null, null, null, null,
                new StepControl(null, "{{ items }}", sequential, null, StepControl.Retry.NONE));
    }

    static JobStep instance(String source, int index, int total, StepStatus status, java.util.Map<String, Object> output) {
        return new JobStep("j", source + "[" + index + "]", 0, "a", "script", List.of(), false, null, List.of(), status,
                null, null, null, null, null, null, null, output, null,
                new StepControl(null, null, false, new StepControl.LoopPosition(source, index, total, "x" + index),
                        StepControl.Retry.NONE));
    }

    @Test
    void aPlaceholderWhoseTurnCameExpandsIntoItsItems() {
        var eval = DagEvaluation.of(List.of(
                step("fetch", StepStatus.COMPLETED, false),
                placeholder("process", StepStatus.PENDING, false, false, "fetch")),
                step -> DagEvaluation.Verdict.RUN, p -> DagEvaluation.Items.of(List.of("a", "b")));

        assertThat(eval.expansions()).containsExactly(java.util.Map.entry("process", List.<Object>of("a", "b")));
        assertThat(eval.ready()).isEmpty();
        assertThat(eval.jobOutcome()).isEmpty();
    }

    @Test
    void anEmptyListSkipsThePlaceholderAndABadOneFailsIt() {
        var empty = DagEvaluation.of(List.of(placeholder("p", StepStatus.PENDING, false, false)),
                step -> DagEvaluation.Verdict.RUN, p -> DagEvaluation.Items.of(List.of()));
        assertThat(empty.skipped()).containsExactly("p");
        assertThat(empty.jobOutcome()).contains(JobStatus.COMPLETED);

        var bad = DagEvaluation.of(List.of(placeholder("p", StepStatus.PENDING, false, false)),
                step -> DagEvaluation.Verdict.RUN, p -> DagEvaluation.Items.fail("for_each expression error: x"));
        assertThat(bad.failed()).containsEntry("p", "for_each expression error: x");
        assertThat(bad.jobOutcome()).contains(JobStatus.FAILED);
    }

    @Test
    void aSequentialLoopStartsTheNextInstanceOnlyWhenThePreviousEnded() {
        var eval = DagEvaluation.of(List.of(
                placeholder("m", StepStatus.RUNNING, true, false),
                instance("m", 0, 3, StepStatus.COMPLETED, null),
                instance("m", 1, 3, StepStatus.PENDING, null),
                instance("m", 2, 3, StepStatus.PENDING, null)));

        assertThat(eval.ready()).containsExactly("m[1]");
        assertThat(eval.loopsCompleted()).isEmpty();
    }

    @Test
    void aSequentialLoopSkipsTheRestAfterAFailureAndFails() {
        var eval = DagEvaluation.of(List.of(
                placeholder("m", StepStatus.RUNNING, true, false),
                instance("m", 0, 3, StepStatus.FAILED, null),
                instance("m", 1, 3, StepStatus.PENDING, null),
                instance("m", 2, 3, StepStatus.PENDING, null),
                step("after", StepStatus.PENDING, false, "m")));

        assertThat(eval.ready()).isEmpty();
        assertThat(eval.skipped()).containsExactly("m[1]", "m[2]", "after");
        assertThat(eval.failed()).containsExactly(java.util.Map.entry("m", "for_each loop failed: instances [0] failed"));
        assertThat(eval.jobOutcome()).contains(JobStatus.FAILED);
    }

    @Test
    void aLoopWhoseInstancesAllEndedCompletesWithTheirOutputsInIndexOrder() {
        var eval = DagEvaluation.of(List.of(
                placeholder("p", StepStatus.RUNNING, false, true),
                instance("p", 1, 3, StepStatus.FAILED, null),
                instance("p", 0, 3, StepStatus.COMPLETED, java.util.Map.of("r", 0)),
                instance("p", 2, 3, StepStatus.COMPLETED, java.util.Map.of("r", 2)),
                step("next", StepStatus.PENDING, false, "p")));

        assertThat(eval.loopsCompleted().get("p")).containsExactly(java.util.Map.of("r", 0), null, java.util.Map.of("r", 2));
        assertThat(eval.ready()).containsExactly("next");
    }

    @Test
    void aRunningLoopWithInstancesStillRunningWaits() {
        var eval = DagEvaluation.of(List.of(
                placeholder("p", StepStatus.RUNNING, false, false),
                instance("p", 0, 2, StepStatus.COMPLETED, null),
                instance("p", 1, 2, StepStatus.RUNNING, null),
                step("next", StepStatus.PENDING, false, "p")));

        assertThat(eval.loopsCompleted()).isEmpty();
        assertThat(eval.failed()).isEmpty();
        assertThat(eval.ready()).isEmpty();
        assertThat(eval.jobOutcome()).isEmpty();
    }
}
