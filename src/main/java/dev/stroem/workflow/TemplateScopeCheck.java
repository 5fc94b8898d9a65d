package dev.stroem.workflow;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks at load that every name a template reads exists where it renders, so a typo fails
 * {@code stroem validate} and the workspace load rather than a step at run time. The scopes are
 * the ones {@link JobPlanner} renders with:
 * <ul>
 *   <li>a step's {@code input}, {@code when} and {@code for_each}: {@code input} (the job's),
 *       {@code secret}, {@code state}, {@code global_state}, the other steps of the task
 *       ({@code <step>.output}, dashes as underscores) and, in the input of a {@code for_each}
 *       step, {@code each.item}/{@code each.index};
 *   <li>the script, env and args of the action a step runs: the same, with {@code input} being
 *       what the step passes plus the action's declared inputs;
 *   <li>a hook's {@code input}: {@code hook.*} and {@code secret}; its action: {@code input} (the
 *       hook's input plus the action's declared inputs) and {@code secret}.
 * </ul>
 * A name that cannot exist there is an error. {@code input.x} of a task that does not declare
 * {@code x} is only a warning: the original hands callers' undeclared input through to the
 * templates (API calls, scheduler and webhook input, webhooks' {@code body}/{@code headers}/
 * {@code query}/{@code method}), so such a template can be right. Reading a step the step does
 * not depend on is a warning too: it renders only if that step happened to finish first.
 * Anything guarded with {@code | default(…)} or {@code is defined} is never reported.
 */
final class TemplateScopeCheck {

    /** Read by templates everywhere a job renders; {@code state}/{@code global_state} are the task state snapshots. */
    private static final List<String> JOB_ROOTS = List.of("input", "secret", "state", "global_state");
    private static final Set<String> EACH_FIELDS = Set.of("item", "index");
    private static final Set<String> HOOK_FIELDS = new HookContext(null, null, null, null, null, null, null, List.of())
            .toTemplateContext().keySet();
    /** What a webhook adds to its task's input besides the trigger's {@code input:}. */
    private static final Set<String> WEBHOOK_INPUT = Set.of("body", "headers", "query", "method");

    private final TemplateEngine templates;
    private final Set<String> secrets;

    /** @param secrets the names under {@code secrets:} in the workspace's files */
    TemplateScopeCheck(TemplateEngine templates, Set<String> secrets) {
        this.templates = templates;
        this.secrets = secrets;
    }

    /** One sentence about a template of {@code step} (null: of the task's hooks). */
    record Finding(String step, String message) {}

    /** Errors and warnings about one task, each once. */
    record Findings(Set<Finding> errors, Set<Finding> warnings) {
        Findings() {
            this(new LinkedHashSet<>(), new LinkedHashSet<>());
        }
    }

    /**
     * A named action on its own: every root it reads must be one an action can ever see. Which
     * steps exist depends on the task running it; that is checked per step by {@link #task}.
     *
     * @param stepNames template names of every step of every task of the workspace
     */
    List<String> action(Action action, Set<String> stepNames) {
        var errors = new ArrayList<String>();
        var roots = new LinkedHashSet<>(JOB_ROOTS);
        roots.add("each");
        forEachTemplate(action, "action '" + action.name() + "'", (where, template) -> {
            for (var ref : references(template, where)) {
                if (!ref.guarded() && !roots.contains(ref.root()) && !stepNames.contains(ref.root())) {
                    errors.add(unknown(where, ref, roots, stepNames, Set.of()));
                }
            }
        });
        return errors;
    }

    /**
     * Every template of a task: its steps, the actions they run (against this task's steps and
     * what each step passes) and its hooks.
     *
     * @param callerInput input names that callers of this task are known to pass beyond its
     *     declared input (trigger input, webhook fields); null when any input may come (no warnings)
     * @param actions the workspace's named actions (for hooks)
     */
    Findings task(Task task, Set<String> callerInput, Map<String, Action> actions) {
        var findings = new Findings();
        var stepsByTemplateName = new LinkedHashMap<String, String>();
        task.steps().forEach(s -> stepsByTemplateName.put(s.templateName(), s.name()));
        for (FlowStep step : task.steps()) {
            var scope = new StepScope(task, step, stepsByTemplateName, ancestors(task, step), callerInput);
            String prefix = "step '" + step.name() + "'";
            step.input().forEach((key, value) -> forEachString(value, prefix + " input '" + key + "'",
                    (where, template) -> scope.check(where, template, true, false, findings)));
            if (step.control().when() != null) {
                scope.check(prefix + " when", step.control().when(), false, false, findings);
            }
            if (step.control().forEach() instanceof String expression) {
                scope.check(prefix + " for_each", expression, false, false, findings);
            }
            Action action = step.action();
            if (action != null && !action.crossWorkspace()) {
                String suffix = action.inline() ? "" : " (action '" + action.name() + "')";
                forEachTemplate(action, prefix, (where, template) ->
                        scope.check(where + suffix, template, true, true, findings));
            }
        }
        for (HookEvent event : HookEvent.values()) {
            List<Hook> hooks = task.hooks().declaredFor(event);
            for (int i = 0; i < hooks.size(); i++) {
                hook(hooks.get(i), actions.get(hooks.get(i).action()), WorkspaceLoader.hookKey(event) + "[" + i + "]")
                        .forEach(message -> findings.errors().add(new Finding(null, message)));
            }
        }
        return findings;
    }

    /** A hook: its input sees {@code hook.*} and {@code secret}; its action sees that input as {@code input}. */
    List<String> hook(Hook hook, Action action, String where) {
        var errors = new ArrayList<String>();
        Set<String> roots = new LinkedHashSet<>(List.of("hook", "secret"));
        hook.input().forEach((key, value) -> forEachString(value, where + " input '" + key + "'", (at, template) -> {
            for (var ref : references(template, at)) {
                if (ref.guarded()) {
                    continue;
                }
                if (!roots.contains(ref.root())) {
                    errors.add(unknown(at, ref, roots, Set.of(), Set.of()));
                } else if (ref.root().equals("hook") && !ref.path().isEmpty() && !HOOK_FIELDS.contains(ref.path().get(0))) {
                    errors.add(message(at, "hook has no field '" + ref.path().get(0) + "' (it has "
                            + String.join(", ", HOOK_FIELDS) + ")"));
                } else {
                    String problem = secretProblem(at, ref);
                    if (problem != null) {
                        errors.add(problem);
                    }
                }
            }
        }));
        if (action == null) {
            return errors;
        }
        var passed = new TreeSet<>(hook.input().keySet());
        passed.addAll(action.input().keySet());
        forEachTemplate(action, where + " action '" + action.name() + "'", (at, template) -> {
            for (var ref : references(template, at)) {
                if (ref.guarded()) {
                    continue;
                }
                if (!ref.root().equals("input") && !ref.root().equals("secret")) {
                    errors.add(message(at, "'" + ref.root() + "' is not defined when the action runs as a hook"
                            + " (a hook's action sees input and secret)"));
                } else if (ref.root().equals("input") && !ref.path().isEmpty() && !passed.contains(ref.path().get(0))) {
                    errors.add(message(at, "input." + ref.path().get(0) + " is neither an input of action '"
                            + action.name() + "' nor passed by the hook"));
                } else {
                    String problem = secretProblem(at, ref);
                    if (problem != null) {
                        errors.add(problem);
                    }
                }
            }
        });
        return errors;
    }

    /** What the templates of one step may read. */
    private final class StepScope {
        private final Task task;
        private final FlowStep step;
        private final Map<String, String> steps;
        private final Set<String> ancestors;
        private final Set<String> callerInput;

        StepScope(Task task, FlowStep step, Map<String, String> steps, Set<String> ancestors, Set<String> callerInput) {
            this.task = task;
            this.step = step;
            this.steps = steps;
            this.ancestors = ancestors;
            this.callerInput = callerInput;
        }

        /**
         * @param seesEach whether {@code each} exists here (a loop step's input and action)
         * @param actionInput whether {@code input} is the action's (what the step passes) rather than the job's
         */
        void check(String where, String template, boolean seesEach, boolean actionInput, Findings findings) {
            var roots = new LinkedHashSet<>(JOB_ROOTS);
            boolean each = seesEach && step.control().loops();
            if (each) {
                roots.add("each");
            }
            for (var ref : references(template, where)) {
                if (ref.guarded()) {
                    continue;
                }
                String root = ref.root();
                String stepName = steps.get(root);
                if (stepName != null) {
                    stepReference(where, ref, stepName, findings);
                } else if (!roots.contains(root)) {
                    error(findings, !root.equals("each") ? unknown(where, ref, roots, steps.keySet(), steps.values())
                            : step.control().loops()
                                    ? message(where, "'each' exists only in the input and action of a for_each step, "
                                            + "not in its when or for_each")
                                    : message(where, "'each' exists only in steps with for_each"));
                } else if (root.equals("each") && !ref.path().isEmpty() && !EACH_FIELDS.contains(ref.path().get(0))) {
                    error(findings, message(where, "each has no field '" + ref.path().get(0)
                            + "' (it has item and index)"));
                } else if (root.equals("input") && !ref.path().isEmpty()) {
                    input(where, ref.path().get(0), actionInput, findings);
                } else {
                    String problem = secretProblem(where, ref);
                    if (problem != null) {
                        error(findings, problem);
                    }
                }
            }
        }

        private void error(Findings findings, String message) {
            findings.errors().add(new Finding(step.name(), message));
        }

        private void warning(Findings findings, String message) {
            findings.warnings().add(new Finding(step.name(), message));
        }

        private void stepReference(String where, TemplateReferences.Reference ref, String stepName, Findings findings) {
            if (stepName.equals(step.name())) {
                error(findings, message(where, "step '" + stepName + "' reads its own output ("
                        + ref.dotted() + "), which does not exist while it runs"));
            } else if (!ref.path().isEmpty() && !ref.path().get(0).equals("output")) {
                error(findings, message(where, ref.dotted() + ": a step has only .output"));
            } else if (!ancestors.contains(stepName)) {
                warning(findings, message(where, "reads " + ref.dotted() + ", but step '" + step.name()
                        + "' does not depend on '" + stepName + "' (depends_on), so it may not have finished"));
            }
        }

        private void input(String where, String name, boolean actionInput, Findings findings) {
            if (actionInput) {
                Action action = step.action();
                if (!step.input().containsKey(name) && !action.input().containsKey(name)) {
                    error(findings, message(where, action.inline()
                            ? "input." + name + " is not in the step's input:, which is what its script sees as input"
                            : "input." + name + " is neither an input of action '" + action.name()
                                    + "' nor passed by step '" + step.name() + "'"));
                }
            } else if (!task.input().containsKey(name) && callerInput != null && !callerInput.contains(name)) {
                warning(findings, message(where, "input." + name + " is not an input of task '" + task.name()
                        + "'; it renders only when the caller passes it"));
            }
        }
    }

    private String secretProblem(String where, TemplateReferences.Reference ref) {
        return ref.root().equals("secret") && !ref.path().isEmpty() && !secrets.contains(ref.path().get(0))
                ? message(where, "secret." + ref.path().get(0) + " is not under secrets: in the workspace")
                : null;
    }

    /** What callers may pass to {@code task} beyond its declared input: trigger input and webhook fields. */
    static Set<String> callerInput(Task task, List<Trigger> triggers) {
        var names = new HashSet<String>();
        for (Trigger trigger : triggers) {
            if (trigger.task().equals(task.name())) {
                names.addAll(trigger.input().keySet());
                if (trigger instanceof WebhookTrigger) {
                    names.addAll(WEBHOOK_INPUT);
                }
            }
        }
        return names;
    }

    private List<TemplateReferences.Reference> references(String template, String where) {
        try {
            return templates.references(template, where);
        } catch (TemplateException e) {
            // A syntax error was reported when the file was read; a second message would add nothing.
            return List.of();
        }
    }

    private static String unknown(String where, TemplateReferences.Reference ref, Set<String> roots,
            Set<String> stepNames, java.util.Collection<String> yamlStepNames) {
        String root = ref.root();
        for (String step : yamlStepNames) {
            if (step.contains("-") && (step.startsWith(root + "-") || step.endsWith("-" + root) || step.contains("-" + root + "-"))) {
                return message(where, "step '" + step + "' is written " + FlowStep.templateName(step)
                        + " in templates (a dash reads as a minus)");
            }
        }
        if (!ref.path().isEmpty() && ref.path().get(0).equals("output")) {
            return message(where, "no step '" + root + "' in this task (" + ref.dotted() + ")");
        }
        if (root.equals("secrets")) {
            return message(where, "'secrets' is not defined; secrets are read as secret.NAME");
        }
        var known = new ArrayList<>(roots);
        stepNames.forEach(s -> known.add(s + ".output"));
        return message(where, "'" + root + "' is not defined (here: " + String.join(", ", known) + ")");
    }

    private static String message(String where, String reason) {
        return "Template " + where + ": " + reason;
    }

    private interface TemplateVisitor {
        void visit(String where, String template);
    }

    private static void forEachTemplate(Action action, String prefix, TemplateVisitor visitor) {
        if (action.script() != null) {
            visitor.visit(prefix + " script", action.script());
        }
        action.env().forEach((key, value) -> visitor.visit(prefix + " env '" + key + "'", value));
        for (int i = 0; i < action.args().size(); i++) {
            visitor.visit(prefix + " args[" + i + "]", action.args().get(i));
        }
    }

    private static void forEachString(Object value, String where, TemplateVisitor visitor) {
        if (value instanceof String text) {
            visitor.visit(where, text);
        } else if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> forEachString(v, where + "." + k, visitor));
        } else if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                forEachString(list.get(i), where + "[" + i + "]", visitor);
            }
        }
    }

    /** The steps {@code step} waits for, directly or through others. */
    private static Set<String> ancestors(Task task, FlowStep step) {
        var seen = new HashSet<String>();
        var todo = new ArrayDeque<>(step.dependsOn());
        while (!todo.isEmpty()) {
            String name = todo.pop();
            if (seen.add(name)) {
                task.step(name).ifPresent(s -> todo.addAll(s.dependsOn()));
            }
        }
        return seen;
    }
}
