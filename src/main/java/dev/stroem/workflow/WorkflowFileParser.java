package dev.stroem.workflow;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads one workflow file and checks everything that can be checked within it: YAML syntax,
 * duplicate keys, field names and types, unsupported features, names, timeouts and template
 * syntax. Cross-file checks (action references, duplicates, dependencies) are the
 * {@link WorkspaceLoader}'s.
 */
final class WorkflowFileParser {

    /** Features of the original we do not run. Rejected, never ignored: ignoring them would change what a task does. */
    private static final Set<String> UNSUPPORTED_TOP_LEVEL = Set.of(
            "secrets", "connections", "connection_types", "mcp_servers", "on_suspended", "libraries");
    private static final Set<String> UNSUPPORTED_ACTION_FIELDS = Set.of(
            "image", "cmd", "command", "entrypoint", "manifest", "workdir", "resources", "task", "provider", "prompt", "system_prompt", "model",
            "max_tokens", "temperature", "tools", "max_turns", "interactive", "message");
    private static final Set<String> UNSUPPORTED_STEP_FIELDS = Set.of("continue_when_skipped");
    private static final Set<String> UNSUPPORTED_INPUT_FIELDS = Set.of("secret");
    private static final Set<String> UNSUPPORTED_TASK_FIELDS = Set.of("on_suspended");

    private final YAMLMapper yaml;
    private final TemplateEngine templates;
    private final TriggerParser triggers = new TriggerParser(this);

    WorkflowFileParser(TemplateEngine templates) {
        this.templates = templates;
        this.yaml = YAMLMapper.builder(YAMLFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build())
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
                .build();
    }

    /** What one file contributed. Tasks' steps still hold unresolved references (action == null). */
    record ParsedFile(
            List<Action> actions,
            List<TaskDraft> tasks,
            List<Trigger> triggers,
            Hooks hooks,
            Set<String> brokenActions,
            Set<String> brokenTasks,
            List<WorkflowError> errors) {}

    /** A locally valid task whose named-action steps are not resolved yet. */
    record TaskDraft(Task task, Map<String, String> actionRefs) {}

    ParsedFile parse(String file, String content, String inferredFolder) {
        var errors = new ArrayList<WorkflowError>();
        var actions = new ArrayList<Action>();
        var tasks = new ArrayList<TaskDraft>();
        var brokenActions = new HashSet<String>();
        var brokenTasks = new HashSet<String>();
        var triggerList = new ArrayList<Trigger>();
        Hooks hooks = Hooks.NONE;

        JsonNode root;
        try {
            root = yaml.readTree(content);
        } catch (JsonProcessingException e) {
            errors.add(WorkflowError.ofFile(file, line(e), syntaxMessage(e)));
            return new ParsedFile(actions, tasks, triggerList, hooks, brokenActions, brokenTasks, errors);
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return new ParsedFile(actions, tasks, triggerList, hooks, brokenActions, brokenTasks, errors);
        }
        if (!root.isObject()) {
            errors.add(WorkflowError.ofFile(file, null, "a workflow file must be a mapping with 'actions:' and 'tasks:'"));
            return new ParsedFile(actions, tasks, triggerList, hooks, brokenActions, brokenTasks, errors);
        }

        var hookLists = new LinkedHashMap<String, List<Hook>>();
        for (var entry : iterable(root)) {
            String key = entry.getKey();
            JsonNode value = entry.getValue();
            switch (key) {
                case "actions" -> forEachEntry(file, key, value, errors, (name, node) -> {
                    Action action = parseAction(file, name, node, errors);
                    if (action == null) {
                        brokenActions.add(name);
                    } else {
                        actions.add(action);
                    }
                });
                case "tasks" -> forEachEntry(file, key, value, errors, (name, node) -> {
                    TaskDraft task = parseTask(file, name, node, inferredFolder, errors);
                    if (task == null) {
                        brokenTasks.add(name);
                    } else {
                        tasks.add(task);
                    }
                });
                case "triggers" -> forEachEntry(file, key, value, errors, (name, node) -> {
                    Trigger trigger = triggers.parse(file, name, node, errors);
                    if (trigger != null) {
                        triggerList.add(trigger);
                    }
                });
                case "on_success", "on_error", "on_cancel" -> {
                    List<Hook> parsed = parseHooks(file, null, key, value, errors);
                    hookLists.put(key, parsed == null ? List.of() : parsed);
                }
                default -> errors.add(WorkflowError.ofFile(file, null, UNSUPPORTED_TOP_LEVEL.contains(key)
                        ? "'" + key + "' is not supported by Strøm for the JVM"
                        : "unknown top-level key '" + key + "' (expected actions, tasks, triggers, on_success, on_error, on_cancel)"));
            }
        }
        hooks = new Hooks(hookLists.get("on_success"), hookLists.get("on_error"), hookLists.get("on_cancel"));
        return new ParsedFile(actions, tasks, triggerList, hooks, brokenActions, brokenTasks, errors);
    }

    // ---------------------------------------------------------------- actions

    record RawAction(
            @JsonProperty("type") String type,
            @JsonProperty("name") String name,
            @JsonProperty("description") String description,
            @JsonProperty("script") String script,
            @JsonProperty("env") Map<String, String> env,
            @JsonProperty("input") Map<String, InputField> input,
            @JsonProperty("tags") List<String> tags,
            @JsonProperty("runner") String runner,
            @JsonProperty("language") String language,
            @JsonProperty("output") JsonNode output,
            @JsonProperty("source") String source,
            @JsonProperty("interpreter") String interpreter,
            @JsonProperty("args") List<String> args,
            @JsonProperty("dependencies") List<String> dependencies,
            @JsonProperty("retry") JsonNode retry) {

        ScriptFields fields() {
            return new ScriptFields(type, script, env, runner, language, source, interpreter, args, dependencies);
        }
    }

    /** The fields of a script action, on an action or an inline step. */
    record ScriptFields(String type, String script, Map<String, String> env, String runner, String language,
            String source, String interpreter, List<String> args, List<String> dependencies) {}

    private Action parseAction(String file, String name, JsonNode node, List<WorkflowError> errors) {
        int before = errors.size();
        Problems problems = message -> errors.add(WorkflowError.ofAction(file, name, message));
        String unsafe = NameRules.unsafe(name);
        if (unsafe != null) {
            problems.add("action " + unsafe);
        }
        if (unsupportedType(node, problems)) {
            return null;
        }
        RawAction raw = bind(node, RawAction.class, UNSUPPORTED_ACTION_FIELDS, problems);
        if (raw == null) {
            return null;
        }
        Map<String, InputField> input = checkInputSchema(raw.input(), problems);
        String source = checkScriptAction(raw.fields(), "action '" + name + "'", problems);
        RetryPolicy retry = new FlowControlParser(templates).retry(raw.retry(), problems::add);
        if (errors.size() > before) {
            return null;
        }
        return action(name, raw.name(), raw.description(), raw.fields(), source, input, raw.tags(), file, retry);
    }

    private static Action action(String name, String displayName, String description, ScriptFields f, String source,
            Map<String, InputField> input, List<String> tags, String file, RetryPolicy retry) {
        return new Action(name, displayName, description, Action.TYPE_SCRIPT, f.script(), f.env(), input, tags, file,
                retry, source, f.language(), f.interpreter(), f.args(), f.dependencies());
    }

    /**
     * Checks a script action's fields; returns its {@code source} normalised (null when it has none
     * or it is not a path inside the workspace). Whether the file exists is the loader's check.
     */
    private String checkScriptAction(ScriptFields f, String what, Problems problems) {
        String type = f.type();
        String script = f.script();
        Map<String, String> env = f.env();
        if (type == null) {
            problems.add("'type' is required (only 'script' is supported)");
        } else if (!Action.TYPE_SCRIPT.equals(type)) {
            problems.add("action type '" + type + "' is not supported by Strøm for the JVM (only 'script')");
        }
        if (f.runner() != null && !f.runner().equals("local")) {
            problems.add("runner '" + f.runner() + "' is not supported by Strøm for the JVM (only 'local')");
        }
        String language = f.language();
        if (language != null && !Action.LANGUAGES.contains(language)) {
            problems.add("language '" + language + "' is not one of shell, python, javascript (js), typescript (ts), go");
        }
        String source = null;
        boolean hasScript = script != null && !script.isBlank();
        if (Action.TYPE_SCRIPT.equals(type) && !hasScript && f.source() == null) {
            problems.add("'script' or 'source' is required for a script action");
        } else if (hasScript && f.source() != null) {
            problems.add("a script action has either 'script' (inline) or 'source' (a file), not both");
        } else if (f.source() != null) {
            source = SourcePaths.normalise(f.source());
            if (source == null) {
                problems.add("source '" + NameRules.printable(f.source()) + "' must be a relative path inside the workspace");
            }
        }
        if (f.interpreter() != null && f.interpreter().isBlank()) {
            problems.add("'interpreter' must name a program");
        }
        if (f.dependencies() != null && !f.dependencies().isEmpty() && (language == null || language.equals("shell"))) {
            problems.add("'dependencies' needs a 'language' other than shell");
        }
        if (f.args() != null) {
            for (int i = 0; i < f.args().size(); i++) {
                if (f.args().get(i) == null) {
                    problems.add("args[" + i + "] is empty");
                } else {
                    checkTemplate(f.args().get(i), what + " args[" + i + "]", problems);
                }
            }
        }
        if (script != null) {
            checkTemplate(script, what + " script", problems);
        }
        if (env != null) {
            env.forEach((key, value) -> {
                if (key.isEmpty() || key.indexOf('=') >= 0 || key.chars().anyMatch(Character::isISOControl)) {
                    problems.add("env name '" + NameRules.printable(key) + "' is not a valid environment variable name");
                } else if (value == null) {
                    problems.add("env '" + key + "' has no value");
                } else {
                    checkTemplate(value, what + " env '" + key + "'", problems);
                }
            });
        }
        return source;
    }

    /** Reported before binding: the first foreign field (e.g. {@code image}) would hide the real reason. */
    private static boolean unsupportedType(JsonNode node, Problems problems) {
        JsonNode type = node == null ? null : node.get("type");
        if (type != null && type.isTextual() && !Action.TYPE_SCRIPT.equals(type.asText())) {
            problems.add("action type '" + type.asText() + "' is not supported by Strøm for the JVM (only 'script')");
            return true;
        }
        return false;
    }

    private static Map<String, InputField> checkInputSchema(Map<String, InputField> input, Problems problems) {
        return InputSchemaCheck.check(input, problems::add);
    }

    // ---------------------------------------------------------------- tasks

    record RawTask(
            @JsonProperty("name") String name,
            @JsonProperty("description") String description,
            @JsonProperty("mode") String mode,
            @JsonProperty("folder") String folder,
            @JsonProperty("input") Map<String, InputField> input,
            @JsonProperty("flow") Map<String, JsonNode> flow,
            @JsonProperty("timeout") Object timeout,
            @JsonProperty("on_success") JsonNode onSuccess,
            @JsonProperty("on_error") JsonNode onError,
            @JsonProperty("on_cancel") JsonNode onCancel,
            @JsonProperty("retry") JsonNode retry) {}

    record RawStep(
            @JsonProperty("action") String action,
            @JsonProperty("type") String type,
            @JsonProperty("name") String name,
            @JsonProperty("description") String description,
            @JsonProperty("depends_on") List<String> dependsOn,
            @JsonProperty("input") Map<String, Object> input,
            @JsonProperty("continue_on_failure") Boolean continueOnFailure,
            @JsonProperty("timeout") Object timeout,
            @JsonProperty("script") String script,
            @JsonProperty("env") Map<String, String> env,
            @JsonProperty("tags") List<String> tags,
            @JsonProperty("runner") String runner,
            @JsonProperty("language") String language,
            @JsonProperty("output") JsonNode output,
            @JsonProperty("when") JsonNode when,
            @JsonProperty("for_each") JsonNode forEach,
            @JsonProperty("sequential") Boolean sequential,
            @JsonProperty("retry") JsonNode retry,
            @JsonProperty("source") String source,
            @JsonProperty("interpreter") String interpreter,
            @JsonProperty("args") List<String> args,
            @JsonProperty("dependencies") List<String> dependencies) {

        ScriptFields fields() {
            return new ScriptFields(type, script, env, runner, language, source, interpreter, args, dependencies);
        }
    }

    private TaskDraft parseTask(String file, String name, JsonNode node, String inferredFolder, List<WorkflowError> errors) {
        int before = errors.size();
        Problems problems = message -> errors.add(WorkflowError.ofTask(file, name, null, message));
        String unsafe = NameRules.unsafe(name);
        if (unsafe != null) {
            problems.add("task " + unsafe);
        }
        RawTask raw = bind(node, RawTask.class, UNSUPPORTED_TASK_FIELDS, problems);
        if (raw == null) {
            return null;
        }
        String mode = raw.mode() == null ? Task.MODE_DISTRIBUTED : raw.mode();
        if (!Task.MODE_DISTRIBUTED.equals(mode)) {
            problems.add("mode '" + mode + "' is not supported by Strøm for the JVM (only 'distributed')");
        }
        Long timeout = timeout(raw.timeout(), Timeout.TASK_MAX_SECONDS, problems);
        Map<String, InputField> input = checkInputSchema(raw.input(), problems);
        RetryPolicy retry = new FlowControlParser(templates).retry(raw.retry(), problems::add);

        var flow = new LinkedHashMap<String, FlowStep>();
        var actionRefs = new LinkedHashMap<String, String>();
        if (raw.flow() == null || raw.flow().isEmpty()) {
            problems.add("'flow' is required and must have at least one step");
        } else {
            var templateNames = new LinkedHashMap<String, String>();
            raw.flow().forEach((stepName, stepNode) -> {
                Problems stepProblems = message -> errors.add(WorkflowError.ofTask(file, name, stepName, message));
                FlowStep step = parseStep(file, name, stepName, stepNode, actionRefs, stepProblems);
                String clash = templateNames.putIfAbsent(FlowStep.templateName(stepName), stepName);
                if (clash != null) {
                    stepProblems.add("step name '" + stepName + "' and '" + clash + "' are both '"
                            + FlowStep.templateName(stepName) + "' in templates");
                }
                if (step != null) {
                    flow.put(stepName, step);
                }
            });
        }
        if (raw.flow() != null) {
            checkDependencies(file, name, raw.flow().keySet(), flow, errors);
        }
        Hooks hooks = new Hooks(
                parseHooks(file, name, "on_success", raw.onSuccess(), errors),
                parseHooks(file, name, "on_error", raw.onError(), errors),
                parseHooks(file, name, "on_cancel", raw.onCancel(), errors));
        if (errors.size() > before) {
            return null;
        }
        String folder = raw.folder() != null ? raw.folder() : inferredFolder;
        var task = new Task(name, raw.name(), raw.description(), folder, mode, input, flow, timeout, hooks, file, retry);
        return new TaskDraft(task, actionRefs);
    }

    /**
     * Dependencies are checked against every step the task declares (also those with errors, so
     * one broken step does not make its dependants look wrong), cycles among the parsed steps.
     */
    private static void checkDependencies(
            String file, String task, Set<String> declared, Map<String, FlowStep> flow, List<WorkflowError> errors) {
        for (FlowStep step : flow.values()) {
            for (String dependency : step.dependsOn()) {
                if (!declared.contains(dependency)) {
                    errors.add(WorkflowError.ofTask(file, task, step.name(), "step depends on unknown step '" + dependency + "'"));
                }
            }
        }
        List<String> cycle = FlowGraph.findCycle(flow);
        if (cycle != null) {
            errors.add(WorkflowError.ofTask(file, task, null, "dependency cycle: " + String.join(" → ", cycle)));
        }
    }

    private FlowStep parseStep(
            String file, String task, String stepName, JsonNode node, Map<String, String> actionRefs, Problems problems) {
        String unsafe = NameRules.unsafeStep(stepName);
        if (unsafe != null) {
            problems.add(unsafe.startsWith("name") ? "step " + unsafe : unsafe);
        }
        if (unsupportedType(node, problems)) {
            return null;
        }
        var unsupported = new HashSet<>(UNSUPPORTED_STEP_FIELDS);
        unsupported.addAll(UNSUPPORTED_ACTION_FIELDS);
        RawStep raw = bind(node, RawStep.class, unsupported, problems);
        if (raw == null) {
            return null;
        }
        var ok = new boolean[] {unsafe == null};
        Problems tracking = message -> {
            ok[0] = false;
            problems.add(message);
        };
        Long timeout = timeout(raw.timeout(), Timeout.STEP_MAX_SECONDS, tracking);
        List<String> dependsOn = raw.dependsOn() == null ? List.of() : raw.dependsOn();
        if (dependsOn.stream().anyMatch(java.util.Objects::isNull)) {
            tracking.add("'depends_on' has an empty entry");
        }
        var stepInput = new LinkedHashMap<String, Object>();
        var inlineSchema = new LinkedHashMap<String, InputField>();
        if (raw.input() != null) {
            raw.input().forEach((key, value) -> {
                // Inline steps: an input entry with a `type` is the inline action's schema, as in the original.
                if (raw.action() == null && value instanceof Map<?, ?> map && map.containsKey("type")) {
                    try {
                        inlineSchema.put(key, yaml.convertValue(value, InputField.class));
                    } catch (IllegalArgumentException e) {
                        tracking.add("input field '" + key + "' is not a valid input definition");
                    }
                } else {
                    stepInput.put(key, value);
                    checkValue(value, "step '" + stepName + "' input '" + key + "'", tracking);
                }
            });
        }

        Action inline = null;
        if (raw.action() != null && raw.type() != null) {
            tracking.add("a step has either 'action' (a named action) or 'type' (an inline action), not both");
        } else if (raw.action() != null) {
            if (raw.script() != null || raw.env() != null || raw.tags() != null || raw.runner() != null || raw.language() != null
                    || raw.source() != null || raw.interpreter() != null || raw.args() != null || raw.dependencies() != null) {
                tracking.add("'script', 'source', 'env', 'tags', 'runner', 'language', 'interpreter', 'args' and "
                        + "'dependencies' belong on the action, not on a step that references action '" + raw.action() + "'");
            }
            actionRefs.put(stepName, raw.action());
        } else if (raw.type() != null) {
            Map<String, InputField> schema = checkInputSchema(inlineSchema, tracking);
            String source = checkScriptAction(raw.fields(), "step '" + stepName + "'", tracking);
            inline = action(Action.inlineName(task, stepName), null, null, raw.fields(), source, schema, raw.tags(), file,
                    null);
        } else {
            tracking.add("a step needs 'action' (a named action) or 'type: script' (an inline action)");
        }
        if (!ok[0]) {
            return null;
        }
        FlowControl control = new FlowControlParser(templates).parse(raw.when(), raw.forEach(), raw.sequential(), raw.retry(),
                "step '" + stepName + "'", tracking::add);
        if (!ok[0]) {
            return null;
        }
        boolean continueOnFailure = Boolean.TRUE.equals(raw.continueOnFailure());
        return new FlowStep(stepName, raw.name(), raw.description(), inline, dependsOn, stepInput, continueOnFailure, timeout,
                control);
    }

    private List<Hook> parseHooks(String file, String task, String event, JsonNode node, List<WorkflowError> errors) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        Problems problems = message -> errors.add(WorkflowError.ofTask(file, task, null, message));
        if (!node.isArray()) {
            problems.add("'" + event + "' must be a list of { action, input } entries");
            return null;
        }
        var hooks = new ArrayList<Hook>();
        for (int i = 0; i < node.size(); i++) {
            String where = event + "[" + i + "]";
            Problems hookProblems = message -> problems.add(where + ": " + message);
            Hook hook = bind(node.get(i), Hook.class, Set.of(), hookProblems);
            if (hook == null) {
                continue;
            }
            if (hook.action() == null || hook.action().isBlank()) {
                hookProblems.add("'action' is required");
                continue;
            }
            int before = errors.size();
            hook.input().forEach((key, value) -> checkValue(value, where + " input '" + key + "'", problems));
            if (errors.size() == before) {
                hooks.add(hook);
            }
        }
        return hooks;
    }

    // ---------------------------------------------------------------- helpers

    @FunctionalInterface
    interface Problems {
        void add(String message);
    }

    private interface EntryHandler {
        void accept(String name, JsonNode node);
    }

    private static void forEachEntry(String file, String key, JsonNode value, List<WorkflowError> errors, EntryHandler handler) {
        if (value == null || value.isNull()) {
            return;
        }
        if (!value.isObject()) {
            errors.add(WorkflowError.ofFile(file, null, "'" + key + "' must be a mapping of names to definitions"));
            return;
        }
        for (var entry : iterable(value)) {
            handler.accept(entry.getKey(), entry.getValue());
        }
    }

    private static Iterable<Map.Entry<String, JsonNode>> iterable(JsonNode node) {
        return node.properties();
    }

    <T> T bind(JsonNode node, Class<T> type, Set<String> unsupported, Problems problems) {
        if (node == null || !node.isObject()) {
            problems.add("expected a mapping of fields, got " + (node == null || node.isNull() ? "nothing" : node.getNodeType().name().toLowerCase()));
            return null;
        }
        try {
            return yaml.readerFor(type).readValue(node);
        } catch (UnrecognizedPropertyException e) {
            String field = e.getPropertyName();
            String path = path(e);
            boolean nestedInInput = path.startsWith("input.");
            if (!nestedInInput && unsupported.contains(field) || nestedInInput && UNSUPPORTED_INPUT_FIELDS.contains(field)) {
                problems.add(prefix(path) + "'" + field + "' is not supported by Strøm for the JVM");
            } else {
                String known = e.getKnownPropertyIds() == null ? "" : " (known: " + e.getKnownPropertyIds().stream()
                        .map(String::valueOf).sorted().collect(Collectors.joining(", ")) + ")";
                problems.add(prefix(path) + "unknown field '" + field + "'" + known);
            }
        } catch (MismatchedInputException e) {
            problems.add(prefix(path(e)) + "expected " + expected(e.getTargetType()));
        } catch (IOException e) {
            problems.add(e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage());
        }
        return null;
    }

    private static String path(JsonMappingException e) {
        var parts = new ArrayList<String>();
        for (var ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                parts.add(ref.getFieldName());
            } else if (ref.getIndex() >= 0 && !parts.isEmpty()) {
                parts.set(parts.size() - 1, parts.get(parts.size() - 1) + "[" + ref.getIndex() + "]");
            }
        }
        // The last element of an unknown-field path is the field itself.
        if (e instanceof UnrecognizedPropertyException && !parts.isEmpty()) {
            parts.remove(parts.size() - 1);
        }
        return String.join(".", parts);
    }

    private static String prefix(String path) {
        return path.isEmpty() ? "" : "'" + path + "': ";
    }

    private static String expected(Class<?> type) {
        if (type == null) {
            return "a different kind of value";
        }
        if (List.class.isAssignableFrom(type) || type.isArray()) {
            return "a list";
        }
        if (Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "a mapping";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a text value";
        }
        return "a value of type " + type.getSimpleName();
    }

    private static Long timeout(Object raw, long max, Problems problems) {
        if (raw == null) {
            return null;
        }
        try {
            return Timeout.parseSeconds(raw, max);
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
            return null;
        }
    }

    private void checkTemplate(String template, String where, Problems problems) {
        try {
            templates.check(template, where);
        } catch (TemplateException e) {
            problems.add(e.getMessage());
        }
    }

    private void checkValue(Object value, String where, Problems problems) {
        try {
            templates.checkValue(value, where);
        } catch (TemplateException e) {
            problems.add(e.getMessage());
        }
    }

    private static Integer line(JsonProcessingException e) {
        return e.getLocation() == null || e.getLocation().getLineNr() < 1 ? null : e.getLocation().getLineNr();
    }

    /** SnakeYAML's messages span lines with excerpts; keep the sentences, drop the excerpts. */
    private static String syntaxMessage(JsonProcessingException e) {
        String original = e.getOriginalMessage() == null ? "unreadable YAML" : e.getOriginalMessage();
        if (original.startsWith("Duplicate field")) {
            return "duplicate key " + original.substring("Duplicate field ".length());
        }
        String sentences = original.lines()
                .filter(l -> !l.isBlank() && !Character.isWhitespace(l.charAt(0)))
                .collect(Collectors.joining("; "));
        return "YAML syntax error: " + (sentences.isEmpty() ? original.strip() : sentences);
    }
}
