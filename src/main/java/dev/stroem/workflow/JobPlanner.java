package dev.stroem.workflow;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the job server asks of a workflow when it creates a job and when a worker claims a step or
 * hook: resolve the task input, render a step's input, script and env, render a hook. Stateless and
 * thread-safe.
 *
 * <p>Template scoping follows the original server:
 * <ul>
 *   <li>a step's {@code input} templates see {@code input} (the job's resolved input) and
 *       {@code <step>.output} of the steps whose outputs are passed in (dashes → underscores);
 *   <li>then action-schema fields the step left out are taken from the job input when it has them,
 *       and the action's input defaults fill what is still missing;
 *   <li>the action's {@code script} and {@code env} see that result as {@code input}, and the same
 *       {@code <step>.output} entries;
 *   <li>a hook's {@code input} templates see {@code hook.*}; its action's script and env see the
 *       rendered hook input (with defaults) as {@code input}.
 * </ul>
 */
public final class JobPlanner {

    private final TemplateEngine templates;

    public JobPlanner() {
        this(new TemplateEngine());
    }

    public JobPlanner(TemplateEngine templates) {
        this.templates = templates;
    }

    /**
     * The job input: the given values with the task's defaults applied.
     *
     * @param given the API caller's {@code input}; null means none
     * @throws InputException when a required field is missing or an integer/number/boolean field
     *     has a value of another type; its message reads like {@code input.name: required}
     */
    public Map<String, Object> resolveTaskInput(Task task, Map<String, Object> given) {
        return InputResolver.resolve(task.input(), given);
    }

    /**
     * Renders one step for a worker.
     *
     * @param jobInput the job's resolved input ({@link #resolveTaskInput})
     * @param stepOutputs outputs of finished steps by step name as written in YAML (a null output
     *     means the step printed no {@code OUTPUT:} line)
     * @throws IllegalArgumentException when the task has no such step
     * @throws TemplateException when a template refers to something undefined or fails otherwise
     */
    public RenderedAction renderStep(
            Workspace workspace, Task task, String stepName, Map<String, Object> jobInput, Map<String, Object> stepOutputs) {
        return renderStep(workspace, task, stepName, jobInput, stepOutputs, null);
    }

    /**
     * Renders one step, or one instance of a {@code for_each} step.
     *
     * @param loop the instance's position as the templates' {@code each} ({@link #each}); null for other steps
     */
    public RenderedAction renderStep(Workspace workspace, Task task, String stepName, Map<String, Object> jobInput,
            Map<String, Object> stepOutputs, Map<String, Object> loop) {
        return renderStep(workspace, task, stepName, jobInput, stepOutputs, loop, null);
    }

    /**
     * As {@link #renderStep(Workspace, Task, String, Map, Map, Map)}, with the action the step
     * runs given: another workspace's action, which a cross-workspace step ({@code ws.name})
     * stands for. The step's input renders in the caller's context, the action in its own.
     *
     * @param action the owner's action; null for the step's own
     */
    public RenderedAction renderStep(Workspace workspace, Task task, String stepName, Map<String, Object> jobInput,
            Map<String, Object> stepOutputs, Map<String, Object> loop, Action action) {
        FlowStep declared = task.step(stepName).orElseThrow(() -> new IllegalArgumentException(
                "task '" + task.name() + "' in workspace '" + workspace.name() + "' has no step '" + stepName + "'"));
        FlowStep step = action == null ? declared : declared.withAction(action);
        if (step.action().crossWorkspace()) {
            throw new IllegalStateException("step '" + stepName + "' references action '" + step.action().name()
                    + "' of another workspace, which was not resolved");
        }
        Map<String, Object> input = renderStepInput(task, step, jobInput, stepOutputs, loop);
        return renderAction(step.action(), input, stepOutputs, "step '" + stepName + "'", loop);
    }

    /** The template variable {@code each} of a loop instance: {@code each.item} and {@code each.index}. */
    public static Map<String, Object> each(Object item, int index) {
        var each = new LinkedHashMap<String, Object>();
        each.put("item", item);
        each.put("index", index);
        return each;
    }

    /** The step's rendered input, before the action's schema is applied. */
    public Map<String, Object> renderStepInput(Task task, FlowStep step, Map<String, Object> jobInput, Map<String, Object> stepOutputs) {
        return renderStepInput(task, step, jobInput, stepOutputs, null);
    }

    private Map<String, Object> renderStepInput(Task task, FlowStep step, Map<String, Object> jobInput,
            Map<String, Object> stepOutputs, Map<String, Object> loop) {
        Map<String, Object> context = stepContext(stepOutputs, loop);
        context.put("input", jobInput == null ? Map.of() : jobInput);
        var rendered = new LinkedHashMap<String, Object>();
        step.input().forEach((key, value) ->
                rendered.put(key, templates.renderValue(value, context, "step '" + step.name() + "' input '" + key + "'")));
        if (jobInput != null) {
            // The original passes job input on for action fields the step does not map.
            step.action().input().keySet().forEach(field -> {
                if (!rendered.containsKey(field) && jobInput.get(field) != null) {
                    rendered.put(field, jobInput.get(field));
                }
            });
        }
        return rendered;
    }

    /**
     * Renders {@code action}'s script and env with {@code input} (the action's defaults applied).
     *
     * @param stepOutputs finished steps' outputs by step name, or null
     * @param what names the step or hook in error messages, e.g. "step 'deploy'"
     */
    public RenderedAction renderAction(Action action, Map<String, Object> input, Map<String, Object> stepOutputs, String what) {
        return renderAction(action, input, stepOutputs, what, null);
    }

    private RenderedAction renderAction(Action action, Map<String, Object> input, Map<String, Object> stepOutputs,
            String what, Map<String, Object> loop) {
        Map<String, Object> withDefaults = InputResolver.withDefaults(action.input(), input == null ? Map.of() : input);
        Map<String, Object> context = stepContext(stepOutputs, loop);
        context.put("input", withDefaults);
        String script = action.script() == null ? null
                : templates.render(action.script(), context, what + " script (action '" + action.name() + "')");
        var env = new LinkedHashMap<String, String>();
        action.env().forEach((key, value) ->
                env.put(key, templates.render(value, context, what + " env '" + key + "' (action '" + action.name() + "')")));
        var args = new ArrayList<String>();
        for (int i = 0; i < action.args().size(); i++) {
            args.add(templates.render(action.args().get(i), context,
                    what + " args[" + i + "] (action '" + action.name() + "')"));
        }
        return new RenderedAction(action.name(), withDefaults, script, env, action.source(), action.language(),
                action.interpreter(), args, action.dependencies());
    }

    /**
     * Evaluates a step's {@code when}: renders it with {@code input} and the finished steps'
     * outputs, as the step's input templates see them, and applies the original's truthiness.
     *
     * @throws TemplateException when it refers to something undefined or fails otherwise
     */
    public boolean condition(String expression, Map<String, Object> jobInput, Map<String, Object> stepOutputs, String where) {
        Map<String, Object> context = stepContext(stepOutputs);
        context.put("input", jobInput == null ? Map.of() : jobInput);
        return FlowControl.truthy(templates.render(expression, context, where));
    }

    /**
     * Renders a hook: its input against {@code hook.*}, then its action.
     *
     * @throws IllegalArgumentException when the hook's action is not in the workspace (it was
     *     validated at load; this means the workspace changed)
     * @throws TemplateException on a template error
     */
    public RenderedAction renderHook(Workspace workspace, Hook hook, HookContext context) {
        Action action = workspace.action(hook.action()).orElseThrow(() -> new IllegalArgumentException(
                "hook action '" + hook.action() + "' is not in workspace '" + workspace.name() + "'"));
        Map<String, Object> templateContext = new HashMap<>();
        templateContext.put("hook", context.toTemplateContext());
        var input = new LinkedHashMap<String, Object>();
        hook.input().forEach((key, value) ->
                input.put(key, templates.renderValue(value, templateContext, "hook '" + hook.action() + "' input '" + key + "'")));
        return renderAction(action, input, null, "hook '" + hook.action() + "'");
    }

    /**
     * A {@code for_each}'s items: the expression (a template, or a literal list stored as JSON)
     * rendered with {@code input} and the finished steps' outputs, read as a JSON array.
     *
     * @throws TemplateException when it does not render
     * @throws IllegalArgumentException when the result is not a JSON array
     */
    public List<Object> loopItems(String expression, Map<String, Object> jobInput, Map<String, Object> stepOutputs,
            String where) {
        Map<String, Object> context = stepContext(stepOutputs);
        context.put("input", jobInput == null ? Map.of() : jobInput);
        Object rendered = templates.renderValue(expression, context, where);
        if (rendered instanceof List<?> list) {
            return new ArrayList<>(list);
        }
        String text = String.valueOf(rendered).strip();
        JsonNode node;
        try {
            node = LOOP_JSON.readTree(text);
        } catch (JsonProcessingException e) {
            node = null;
        }
        if (node == null || !node.isArray()) {
            String shown = text.length() > 200 ? text.substring(0, 200) + "…" : text;
            throw new IllegalArgumentException("it rendered '" + shown + "', which is not a JSON array");
        }
        return LOOP_JSON.convertValue(node, LOOP_LIST);
    }

    private static final ObjectMapper LOOP_JSON = new ObjectMapper();
    private static final TypeReference<List<Object>> LOOP_LIST = new TypeReference<>() {};

    private static Map<String, Object> stepContext(Map<String, Object> stepOutputs, Map<String, Object> loop) {
        var context = stepContext(stepOutputs);
        if (loop != null) {
            context.put("each", loop);
        }
        return context;
    }

    private static Map<String, Object> stepContext(Map<String, Object> stepOutputs) {
        var context = new HashMap<String, Object>();
        if (stepOutputs != null) {
            stepOutputs.forEach((name, output) -> {
                var entry = new HashMap<String, Object>();
                if (output != null) {
                    entry.put("output", output);
                }
                context.put(FlowStep.templateName(name), entry);
            });
        }
        return context;
    }
}
