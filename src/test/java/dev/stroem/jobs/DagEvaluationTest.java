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
}
