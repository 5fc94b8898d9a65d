package dev.stroem.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.stroem.jobs.JobStep;
import dev.stroem.jobs.StepStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One step of the job detail: every key of the original's step (the loop, condition, retry and
 * approval groups are null, 0 or empty until their features exist, so clients that test for
 * them find them) plus our {@code continue_on_failure}, {@code timeout_secs},
 * {@code duration_secs} and {@code exit_code}.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record StepView(
        @JsonProperty("step_name") String stepName,
        @JsonProperty("action_name") String actionName,
        @JsonProperty("action_type") String actionType,
        @JsonProperty("action_image") String actionImage,
        @JsonProperty("runner") String runner,
        @JsonProperty("input") Map<String, Object> input,
        @JsonProperty("output") Object output,
        @JsonProperty("status") String status,
        @JsonProperty("worker_id") String workerId,
        @JsonProperty("started_at") Instant startedAt,
        @JsonProperty("completed_at") Instant completedAt,
        @JsonProperty("error_message") String errorMessage,
        @JsonProperty("depends_on") List<String> dependsOn,
        @JsonProperty("skip_reason") String skipReason,
        @JsonProperty("carried_over") boolean carriedOver,
        @JsonUnwrapped Condition condition,
        @JsonUnwrapped Loop loop,
        @JsonUnwrapped Retry retry,
        @JsonUnwrapped Approval approval,
        @JsonProperty("continue_on_failure") boolean continueOnFailure,
        @JsonProperty("timeout_secs") Long timeoutSecs,
        @JsonProperty("duration_secs") Double durationSecs,
        @JsonProperty("exit_code") Integer exitCode) {

    /** Script steps run by our worker's local shell runner; no container image. */
    static final String RUNNER = "local";

    /** {@code allSteps} (by name) lets a skipped step say why it was skipped. */
    static StepView of(JobStep s, Map<String, JobStep> allSteps) {
        var c = s.control();
        var loop = c.loop();
        // A loop placeholder's output is its instances' outputs, as in the original.
        Object output = c.loopOutputs() != null ? c.loopOutputs() : s.output();
        return new StepView(s.stepName(), s.actionName(), s.actionType(), null, RUNNER, s.input(), output,
                s.status().wireName(), s.workerId(), s.startedAt(), s.completedAt(), s.errorMessage(), s.dependsOn(),
                skipReason(s, allSteps), false, new Condition(c.whenCondition()),
                new Loop(c.forEachExpr(), loop == null ? null : loop.source(), loop == null ? null : loop.index(),
                        loop == null ? null : loop.total()),
                new Retry(c.retry().attempt(), c.retry().maxRetries(), c.retry().history(), c.retry().retryAt()),
                Approval.NONE,
                s.continueOnFailure(), s.timeoutSecs(), JobView.duration(s.startedAt(), s.completedAt()),
                s.exitCode());
    }

    /**
     * The original's reasons: {@code cascade} when every dependency was itself skipped,
     * {@code unreachable} when a dependency failed or was cancelled; ours: {@code condition} when
     * the step's own {@code when} was false, {@code empty_loop} for a {@code for_each} without
     * items, {@code loop_stopped} for the rest of a sequential loop after a failure.
     */
    static String skipReason(JobStep s, Map<String, JobStep> allSteps) {
        if (s.status() != StepStatus.SKIPPED) {
            return null;
        }
        if (s.control().loop() != null) {
            return "loop_stopped";
        }
        boolean depsFine = s.dependsOn().stream().map(allSteps::get).allMatch(d -> d != null
                && (d.status() == StepStatus.COMPLETED || d.status() == StepStatus.SKIPPED));
        boolean someRan = s.dependsOn().isEmpty() || s.dependsOn().stream().map(allSteps::get)
                .anyMatch(d -> d != null && d.status() == StepStatus.COMPLETED);
        if (depsFine && someRan && s.errorMessage() == null) {
            if (s.control().whenCondition() != null) {
                return "condition";
            }
            if (s.control().isPlaceholder()) {
                return "empty_loop";
            }
        }
        boolean allSkipped = !s.dependsOn().isEmpty() && s.dependsOn().stream()
                .map(allSteps::get)
                .allMatch(d -> d != null && d.status() == StepStatus.SKIPPED);
        return allSkipped ? "cascade" : "unreachable";
    }

    /** {@code when:} conditions (issue 17). */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Condition(@JsonProperty("when_condition") String whenCondition) {
        static final Condition NONE = new Condition(null);
    }

    /** {@code for_each} loops (issue 17): the placeholder step and its instances. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Loop(
            @JsonProperty("for_each_expr") String forEachExpr,
            @JsonProperty("loop_source") String loopSource,
            @JsonProperty("loop_index") Integer loopIndex,
            @JsonProperty("loop_total") Integer loopTotal) {
        static final Loop NONE = new Loop(null, null, null, null);
    }

    /** Step-level retries (issue 17); until then every step runs once, as attempt 0. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Retry(
            @JsonProperty("retry_attempt") int retryAttempt,
            @JsonProperty("max_retries") Integer maxRetries,
            @JsonProperty("retry_history") List<Map<String, Object>> retryHistory,
            @JsonProperty("retry_at") Instant retryAt) {
        static final Retry NONE = new Retry(0, null, List.of(), null);
    }

    /** Approval gates (issue 17). */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Approval(
            @JsonProperty("suspended_at") Instant suspendedAt,
            @JsonProperty("approval_message") String approvalMessage,
            @JsonProperty("approval_fields") Map<String, Object> approvalFields) {
        static final Approval NONE = new Approval(null, null, null);
    }
}
