package dev.stroem.jobs;

import dev.stroem.workflow.FlowControl;
import dev.stroem.workflow.JobPlanner;
import dev.stroem.workflow.TemplateException;
import dev.stroem.workflow.TemplateStates;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The templates a job's DAG depends on: {@code when} conditions and {@code for_each} items,
 * rendered against the job's input and its finished steps' outputs, and the instance rows a
 * loop expands into.
 */
final class FlowTemplates {
    private final JobPlanner planner;
    private final java.util.function.Function<String, Map<String, String>> secrets;
    private final java.util.function.Function<Job, TemplateStates> states;

    /**
     * @param secrets a workspace's resolved {@code secrets:} by its name (empty when it has none)
     * @param states a job's {@code state} and {@code global_state} values now (asked only when a
     *     condition is evaluated)
     */
    FlowTemplates(JobPlanner planner, java.util.function.Function<String, Map<String, String>> secrets,
            java.util.function.Function<Job, TemplateStates> states) {
        this.planner = planner;
        this.secrets = secrets;
        this.states = states;
    }

    /**
     * Outputs templates see, by step name: completed steps' outputs; a completed loop's is the list
     * of its instances' outputs. Instances themselves are not visible (as in the original).
     */
    static Map<String, Object> outputs(List<JobStep> steps) {
        var outputs = new HashMap<String, Object>();
        for (var s : steps) {
            if (s.status() == StepStatus.COMPLETED && s.control().loop() == null) {
                outputs.put(s.stepName(), s.control().isPlaceholder() ? s.control().loopOutputs() : s.output());
            }
        }
        return outputs;
    }

    DagEvaluation.Conditions conditions(Job job, Map<String, Object> outputs) {
        var jobStates = new TemplateStates[1]; // looked up once per evaluation, and only when a condition needs it
        return step -> {
            try {
                if (jobStates[0] == null) {
                    jobStates[0] = states.apply(job);
                }
                return planner.condition(step.control().whenCondition(), job.input(), outputs, secrets.apply(job.workspace()),
                        jobStates[0], "step '" + step.stepName() + "' when")
                        ? DagEvaluation.Verdict.RUN : DagEvaluation.Verdict.SKIP;
            } catch (TemplateException e) {
                return DagEvaluation.Verdict.fail("when condition error: " + e.getMessage());
            }
        };
    }

    DagEvaluation.Loops loops(Job job, Map<String, Object> outputs) {
        return placeholder -> {
            List<Object> items;
            try {
                items = planner.loopItems(placeholder.control().forEachExpr(), job.input(), outputs, secrets.apply(job.workspace()),
                        "step '" + placeholder.stepName() + "' for_each");
            } catch (TemplateException | IllegalArgumentException e) {
                return DagEvaluation.Items.fail("for_each expression error: " + e.getMessage());
            }
            if (items.size() > FlowControl.MAX_FOR_EACH_ITEMS) {
                return DagEvaluation.Items.fail("for_each produced " + items.size() + " items (max "
                        + FlowControl.MAX_FOR_EACH_ITEMS + ")");
            }
            return DagEvaluation.Items.of(items);
        };
    }

    /**
     * The instances {@code name[i]} of a loop: the placeholder's action, tags, timeout,
     * {@code continue_on_failure} and retry policy, each with its item; no dependencies and no
     * condition of their own (the placeholder had them).
     */
    static List<NewStep> instances(JobStep placeholder, List<Object> items) {
        var out = new ArrayList<NewStep>(items.size());
        var retry = placeholder.control().retry();
        var fresh = new StepControl.Retry(0, retry.maxRetries(), retry.backoffSecs(), retry.strategy(), retry.jitter(),
                List.of(), null);
        for (int i = 0; i < items.size(); i++) {
            var loop = new StepControl.LoopPosition(placeholder.stepName(), i, items.size(), items.get(i));
            out.add(new NewStep(instanceName(placeholder.stepName(), i), placeholder.actionName(),
                    placeholder.actionType(), List.of(), placeholder.continueOnFailure(), placeholder.timeoutSecs(),
                    placeholder.requiredTags(), new StepControl(null, null, false, loop, fresh), placeholder.owner()));
        }
        return out;
    }

    static String instanceName(String placeholder, int index) {
        return placeholder + "[" + index + "]";
    }
}
