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
     * As {@link #resolveTaskInput(Task, Map)}, then each field whose type is a connection type takes
     * the named connection's values (an object given instead is used as it is).
     *
     * @throws InputException naming a field whose connection does not exist or is of another type
     */
    public Map<String, Object> resolveTaskInput(Workspace workspace, Task task, Map<String, Object> given) {
        var input = new LinkedHashMap<>(resolveTaskInput(task, given));
        var fields = new ArrayList<String>();
        var problems = new ArrayList<String>();
        task.input().forEach((name, field) -> {
            if (!workspace.connectionTypes().containsKey(field.type()) || !(input.get(name) instanceof String ref)) {
                return;
            }
            var connection = connection(workspace, field.type(), ref);
            if (connection == null) {
                fields.add(name);
                problems.add("input." + name + ": no connection named '" + ref + "' of type " + field.type());
            } else {
                input.put(name, connection.values());
            }
        });
        if (!problems.isEmpty()) {
            throw new InputException(fields, String.join("; ", problems));
        }
        return input;
    }

    /** The connection {@code name} of {@code workspace} usable as {@code type} (an untyped one fits any), or null. */
    private static Connection connection(Workspace workspace, String type, String name) {
        var connection = workspace.connections().get(name);
        return connection == null || connection.type() != null && !connection.type().equals(type) ? null : connection;
    }

    /**
     * An action's input (its defaults applied) with each connection-typed field given a connection
     * name turned into that connection's values, as the original does when a step is about to run;
     * an object given instead is used as it is. {@code home} is the workspace owning the action.
     *
     * @throws IllegalArgumentException naming the field when there is no such connection of its type
     */
    private static Map<String, Object> withConnections(Action action, Map<String, Object> input, Workspace home, String what) {
        if (home == null || home.connectionTypes().isEmpty()) {
            return input;
        }
        Map<String, Object> out = input;
        for (var entry : action.input().entrySet()) {
            String type = entry.getValue().type();
            if (!home.connectionTypes().containsKey(type) || !(input.get(entry.getKey()) instanceof String ref)) {
                continue;
            }
            var connection = connection(home, type, ref);
            if (connection == null) {
                throw new IllegalArgumentException(what + " input '" + entry.getKey() + "' (action '" + action.name()
                        + "'): no connection named '" + ref + "' of type " + type + " in workspace '" + home.name() + "'");
            }
            if (out == input) {
                out = new LinkedHashMap<>(input);
            }
            out.put(entry.getKey(), connection.values());
        }
        return out;
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
        return renderStep(workspace, task, stepName, jobInput, stepOutputs, loop, action, workspace);
    }

    /**
     * As {@link #renderStep(Workspace, Task, String, Map, Map, Map, Action)}; {@code actionHome} is
     * the workspace owning {@code action}, whose connections its connection-typed inputs name.
     */
    public RenderedAction renderStep(Workspace workspace, Task task, String stepName, Map<String, Object> jobInput,
            Map<String, Object> stepOutputs, Map<String, Object> loop, Action action, Workspace actionHome) {
        return renderStep(workspace, task, stepName, jobInput, stepOutputs, loop, action, actionHome, null);
    }

    /**
     * As {@link #renderStep(Workspace, Task, String, Map, Map, Map, Action, Workspace)}, with
     * {@code state} and {@code global_state} in the step's templates (its input and its action's).
     *
     * @param states the latest state values; null: neither name is defined
     */
    public RenderedAction renderStep(Workspace workspace, Task task, String stepName, Map<String, Object> jobInput,
            Map<String, Object> stepOutputs, Map<String, Object> loop, Action action, Workspace actionHome,
            TemplateStates states) {
        FlowStep declared = task.step(stepName).orElseThrow(() -> new IllegalArgumentException(
                "task '" + task.name() + "' in workspace '" + workspace.name() + "' has no step '" + stepName + "'"));
        FlowStep step = action == null ? declared : declared.withAction(action);
        if (step.action().crossWorkspace()) {
            throw new IllegalStateException("step '" + stepName + "' references action '" + step.action().name()
                    + "' of another workspace, which was not resolved");
        }
        Map<String, Object> input = renderStepInput(task, step, jobInput, stepOutputs, loop, workspace.secrets(), states);
        // Another workspace's action renders its body with its owner's secrets, as the original does: the
        // caller supplies only input values and need not hold the owner's secrets.
        Workspace home = action == null ? workspace : actionHome;
        return renderAction(step.action(), input, stepOutputs, "step '" + stepName + "'", loop, home.secrets(), home,
                states);
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
        return renderStepInput(task, step, jobInput, stepOutputs, null, Map.of(), null);
    }

    private Map<String, Object> renderStepInput(Task task, FlowStep step, Map<String, Object> jobInput,
            Map<String, Object> stepOutputs, Map<String, Object> loop, Map<String, String> secrets, TemplateStates states) {
        Map<String, Object> context = stepContext(stepOutputs, loop);
        if (states != null) {
            states.putInto(context);
        }
        context.put("secret", secrets);
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
        return renderAction(action, input, stepOutputs, what, null, Map.of(), null, null);
    }

    private RenderedAction renderAction(Action action, Map<String, Object> input, Map<String, Object> stepOutputs,
            String what, Map<String, Object> loop, Map<String, String> secrets, Workspace home, TemplateStates states) {
        // Defaults first: a connection-typed field may default to a connection's name.
        Map<String, Object> withDefaults = withConnections(action,
                InputResolver.withDefaults(action.input(), input == null ? Map.of() : input), home, what);
        Map<String, Object> context = stepContext(stepOutputs, loop);
        if (states != null) {
            states.putInto(context);
        }
        context.put("secret", secrets);
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
        return condition(expression, jobInput, stepOutputs, Map.of(), where);
    }

    /** As {@link #condition(String, Map, Map, String)}, with the workspace's {@code secret.*}. */
    public boolean condition(String expression, Map<String, Object> jobInput, Map<String, Object> stepOutputs,
            Map<String, String> secrets, String where) {
        return condition(expression, jobInput, stepOutputs, secrets, null, where);
    }

    /** As {@link #condition(String, Map, Map, Map, String)}, with {@code state.*} and {@code global_state.*}. */
    public boolean condition(String expression, Map<String, Object> jobInput, Map<String, Object> stepOutputs,
            Map<String, String> secrets, TemplateStates states, String where) {
        Map<String, Object> context = stepContext(stepOutputs);
        if (states != null) {
            states.putInto(context);
        }
        context.put("secret", secrets);
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
        templateContext.put("secret", workspace.secrets());
        var input = new LinkedHashMap<String, Object>();
        hook.input().forEach((key, value) ->
                input.put(key, templates.renderValue(value, templateContext, "hook '" + hook.action() + "' input '" + key + "'")));
        return renderAction(action, input, null, "hook '" + hook.action() + "'", null, workspace.secrets(), workspace, null);
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
        return loopItems(expression, jobInput, stepOutputs, Map.of(), where);
    }

    /** As {@link #loopItems(String, Map, Map, String)}, with the workspace's {@code secret.*}. */
    public List<Object> loopItems(String expression, Map<String, Object> jobInput, Map<String, Object> stepOutputs,
            Map<String, String> secrets, String where) {
        Map<String, Object> context = stepContext(stepOutputs);
        context.put("secret", secrets);
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
