package dev.stroem.workflow;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads one workspace folder into an immutable {@link Workspace}, as the original does: every
 * {@code *.yaml}/{@code *.yml} under {@code {root}/.workflows} (or under {@code root} itself when it
 * has no {@code .workflows}), recursively, in sorted path order; a task in a subfolder without its own
 * {@code folder} gets the subfolder as its folder.
 *
 * <p>Never throws for bad content: a broken file or task is reported in {@link Workspace#errors()}
 * and left out, and everything valid around it still loads. Thread-safe.
 */
public final class WorkspaceLoader {

    private static final Logger LOG = LoggerFactory.getLogger(WorkspaceLoader.class);
    static final String WORKFLOWS_DIR = ".workflows";
    /** As the original: deeper folders are not scanned. */
    private static final int MAX_DEPTH = 10;

    private final WorkflowFileParser parser;
    private final TemplateEngine templates;
    private final WorkspaceCapture capture = new WorkspaceCapture();

    public WorkspaceLoader() {
        this(new TemplateEngine());
    }

    public WorkspaceLoader(TemplateEngine templates) {
        this.parser = new WorkflowFileParser(templates);
        this.templates = templates;
    }

    /** The folder scanned for workflow files of the workspace at {@code root}. */
    public static Path scanDir(Path root) {
        Path workflows = root.resolve(WORKFLOWS_DIR);
        return Files.isDirectory(workflows) ? workflows : root;
    }

    /** {@code *.sops.yaml} / {@code *.sops.yml}: decrypted with the sops CLI before loading. */
    static boolean sopsEncrypted(String file) {
        String n = file.substring(file.lastIndexOf('/') + 1);
        return n.endsWith(".sops.yaml") || n.endsWith(".sops.yml");
    }

    /** Captures the folder at {@code root} consistently, then loads the definitions of that capture. */
    public Workspace load(String name, Path root) {
        Path absolute = root.toAbsolutePath().normalize();
        String unsafe = NameRules.unsafe(name);
        if (unsafe != null) {
            return failed(name, absolute, "workspace " + unsafe);
        }
        if (!Files.isDirectory(absolute)) {
            return failed(name, absolute, "workspace folder " + absolute + " does not exist or is not a folder");
        }
        WorkspaceFiles files;
        try {
            files = capture.capture(absolute);
        } catch (WorkspaceCapture.CaptureException e) {
            return failed(name, absolute, e.getMessage());
        }
        return load(name, absolute, files);
    }

    private static Workspace failed(String name, Path root, String message) {
        return new Workspace(name, root, Map.of(), Map.of(), Hooks.NONE, List.of(WorkflowError.ofFile(null, null, message)));
    }

    /**
     * Loads the definitions of one revision of a workspace: its workflow files are read from
     * {@code files}, never from disk, so the definitions are exactly that revision's.
     *
     * @param root where the workspace lives (for messages and the views)
     */
    public Workspace load(String name, Path root, WorkspaceFiles files) {
        Path absolute = root.toAbsolutePath().normalize();
        var errors = new ArrayList<WorkflowError>();
        String unsafe = NameRules.unsafe(name);
        if (unsafe != null) {
            return failed(name, absolute, "workspace " + unsafe);
        }
        List<String> workflowFiles = workflowFiles(files);
        if (workflowFiles.isEmpty()) {
            errors.add(WorkflowError.ofFile(null, null, "no workflow files (*.yaml, *.yml) found in " + scanDir(absolute)));
        }

        var actions = new LinkedHashMap<String, Action>();
        var actionFiles = new HashMap<String, String>();
        var warnings = new ArrayList<String>();
        var brokenActions = new HashSet<String>();
        var drafts = new ArrayList<WorkflowFileParser.TaskDraft>();
        var taskFiles = new HashMap<String, String>();
        var fileHooks = new LinkedHashMap<String, Hooks>();
        var triggerDrafts = new ArrayList<Trigger>();
        var secretTemplates = new LinkedHashMap<String, String>();
        var secretFiles = new HashMap<String, String>();
        var connectionTypes = new LinkedHashMap<String, Map<String, InputField>>();
        var rawConnections = new LinkedHashMap<String, Map<String, Object>>();
        var connectionFiles = new HashMap<String, String>();

        for (String file : workflowFiles) {
            String content;
            try {
                byte[] bytes = files.files().get(file).content();
                content = sopsEncrypted(file)
                        ? dev.stroem.secrets.ExternalSecrets.sopsDecrypt(file, bytes)
                        : StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
            } catch (dev.stroem.secrets.ExternalSecrets.ToolException e) {
                errors.add(WorkflowError.ofFile(file, null, e.getMessage()));
                continue;
            } catch (CharacterCodingException e) {
                errors.add(WorkflowError.ofFile(file, null, "file is not valid UTF-8"));
                continue;
            }
            WorkflowFileParser.ParsedFile parsed;
            try {
                parsed = parser.parse(file, content, inferredFolder(file));
            } catch (RuntimeException e) {
                // Our bug, not the author's: still only this file is lost, never the workspace or the server.
                LOG.error("Loading workflow file {} of workspace {} failed", file, name, e);
                errors.add(WorkflowError.ofFile(file, null, "file could not be loaded (internal error: " + e + ")"));
                continue;
            }
            errors.addAll(parsed.errors());
            // As in the original, an action defined again in a later file replaces the earlier one.
            for (Action action : parsed.actions()) {
                String problem = action.source() == null ? null : SourcePaths.problem(action.source(), files);
                redefined(action.name(), file, actionFiles, warnings);
                if (problem != null) {
                    errors.add(WorkflowError.ofAction(file, action.name(), problem));
                    actions.remove(action.name());
                    brokenActions.add(action.name());
                } else {
                    actions.put(action.name(), action);
                    brokenActions.remove(action.name());
                }
            }
            for (String broken : parsed.brokenActions()) {
                redefined(broken, file, actionFiles, warnings);
                actions.remove(broken);
                brokenActions.add(broken);
            }
            for (var draft : parsed.tasks()) {
                String first = taskFiles.putIfAbsent(draft.task().name(), file);
                if (first != null) {
                    errors.add(WorkflowError.ofTask(file, draft.task().name(), null, "task is already defined in " + first));
                } else {
                    drafts.add(draft);
                }
            }
            parsed.brokenTasks().forEach(broken -> taskFiles.putIfAbsent(broken, file));
            triggerDrafts.addAll(parsed.triggers());
            parsed.connectionTypes().forEach((type, properties) -> {
                String first = connectionFiles.putIfAbsent("type:" + type, file);
                if (first != null) {
                    errors.add(WorkflowError.ofFile(file, null, "connection type '" + type + "' is already defined in " + first));
                } else {
                    connectionTypes.put(type, properties);
                }
            });
            parsed.connections().forEach((connection, values) -> {
                String first = connectionFiles.putIfAbsent(connection, file);
                if (first != null) {
                    errors.add(WorkflowError.ofFile(file, null, "connection '" + connection + "' is already defined in " + first));
                } else {
                    rawConnections.put(connection, values);
                }
            });
            for (var secret : parsed.secrets().entrySet()) {
                String first = secretFiles.putIfAbsent(secret.getKey(), file);
                if (first != null) {
                    errors.add(WorkflowError.ofFile(file, null, "secret '" + secret.getKey() + "' is already defined in " + first));
                } else {
                    secretTemplates.put(secret.getKey(), secret.getValue());
                }
            }
            fileHooks.put(file, parsed.hooks());
        }

        var scopes = new TemplateScopeCheck(templates, secretTemplates.keySet());
        checkActionTemplates(scopes, drafts, actions, actionFiles, brokenActions, errors);
        Hooks workspaceHooks = Hooks.NONE;
        for (var entry : fileHooks.entrySet()) {
            workspaceHooks = workspaceHooks.plus(
                    knownActionsOnly(entry.getValue(), actions, brokenActions, entry.getKey(), errors, scopes));
        }
        var tasks = new LinkedHashMap<String, Task>();
        for (var draft : drafts) {
            Task resolved = resolve(draft, actions, brokenActions, errors, files);
            if (resolved != null && templatesFit(scopes, resolved, triggerDrafts, actions, errors, warnings)) {
                tasks.put(resolved.name(), resolved);
            }
        }
        var triggers = checkTriggers(triggerDrafts, tasks, taskFiles, errors);
        // Grouped by file (stable, so each file's problems keep their order) for readers and `stroem validate`.
        errors.sort(java.util.Comparator.comparing(WorkflowError::file, java.util.Comparator.nullsFirst(java.util.Comparator.naturalOrder())));
        var secrets = resolveSecrets(secretTemplates, secretFiles, errors);
        var connections = resolveConnections(rawConnections, connectionTypes, connectionFiles, secrets, errors);
        checkInputTypes(actions, tasks, actionFiles, taskFiles, connectionTypes, errors);
        errors.sort(java.util.Comparator.comparing(WorkflowError::file, java.util.Comparator.nullsFirst(java.util.Comparator.naturalOrder())));
        return new Workspace(name, absolute, actions, tasks, workspaceHooks, errors, triggers, files, warnings, secrets,
                connectionTypes, connections);
    }

    /**
     * Typed connections get their type's defaults and must have its required fields; string values
     * are templates ({@code | vals}, {@code get_env}, {@code secret.*}) rendered once here.
     */
    private Map<String, Connection> resolveConnections(Map<String, Map<String, Object>> raw,
            Map<String, Map<String, InputField>> types, Map<String, String> files, Map<String, String> secrets,
            List<WorkflowError> errors) {
        var out = new LinkedHashMap<String, Connection>();
        raw.forEach((name, given) -> {
            String file = files.get(name);
            var values = new LinkedHashMap<>(given);
            Object typeValue = values.remove("type");
            String type = typeValue == null ? null : String.valueOf(typeValue);
            var problems = new ArrayList<String>();
            Map<String, InputField> schema = Map.of();
            if (type != null) {
                schema = types.get(type);
                if (schema == null) {
                    problems.add("type '" + type + "' is not a connection type of the workspace");
                    schema = Map.of();
                }
            }
            var context = Map.<String, Object>of("secret", secrets);
            for (var entry : values.entrySet()) {
                if (entry.getValue() instanceof String text) {
                    if (text.isEmpty()) {
                        problems.add("'" + entry.getKey() + "' is empty");
                        continue;
                    }
                    try {
                        entry.setValue(templates.render(text, context, "connection '" + name + "' field '" + entry.getKey() + "'"));
                    } catch (TemplateException e) {
                        problems.add(e.getMessage());
                    }
                }
            }
            var secretFields = new java.util.HashSet<String>();
            schema.forEach((prop, field) -> {
                if (values.get(prop) == null && field.defaultValue() != null) {
                    values.put(prop, field.defaultValue());
                }
                if (values.get(prop) == null && field.required()) {
                    problems.add("'" + prop + "' is required by type '" + type + "'");
                }
                if (field.secret()) {
                    secretFields.add(prop);
                }
            });
            problems.forEach(p -> errors.add(WorkflowError.ofFile(file, null, "connection '" + name + "': " + p)));
            if (problems.isEmpty()) {
                out.put(name, new Connection(name, type, values, secretFields));
            }
        });
        return out;
    }

    /** An input field of a type that is not one of the primitives must name a connection type. */
    private static void checkInputTypes(Map<String, Action> actions, Map<String, Task> tasks, Map<String, String> actionFiles,
            Map<String, String> taskFiles, Map<String, Map<String, InputField>> types, List<WorkflowError> errors) {
        actions.values().forEach(action -> action.input().forEach((field, def) -> {
            if (unknownType(def, types)) {
                errors.add(WorkflowError.ofAction(actionFiles.get(action.name()), action.name(), typeMessage(field, def)));
            }
        }));
        // A task that cannot take its input is not loaded, as with any other error in it.
        tasks.values().removeIf(task -> {
            boolean bad = false;
            for (var entry : task.input().entrySet()) {
                if (unknownType(entry.getValue(), types)) {
                    errors.add(WorkflowError.ofTask(taskFiles.get(task.name()), task.name(), null,
                            typeMessage(entry.getKey(), entry.getValue())));
                    bad = true;
                }
            }
            return bad;
        });
    }

    private static boolean unknownType(InputField def, Map<String, Map<String, InputField>> types) {
        return def.type() != null && !InputField.TYPES.contains(def.type()) && !types.containsKey(def.type());
    }

    private static String typeMessage(String field, InputField def) {
        return "input field '" + field + "' has type '" + def.type()
                + "', which is not one of string, text, integer, number, boolean, date, datetime, nor a connection type";
    }

    /**
     * Renders each {@code secrets:} entry once, as the original does at load: static text, {@code
     * get_env(name=…)} or {@code | vals}. A secret that cannot be resolved is a load error naming it
     * (and, when a tool is missing, the tool); its value is never in a message.
     */
    private Map<String, String> resolveSecrets(Map<String, String> raw, Map<String, String> files, List<WorkflowError> errors) {
        var resolved = new LinkedHashMap<String, String>();
        raw.forEach((key, template) -> {
            try {
                resolved.put(key, templates.render(template, Map.of(), "secret '" + key + "'"));
            } catch (TemplateException e) {
                errors.add(WorkflowError.ofFile(files.get(key), null, e.getMessage()));
            }
        });
        return resolved;
    }

    /**
     * Keeps the triggers whose key and webhook name are unique in the workspace and whose task
     * loaded; the others are reported. (Across workspaces a webhook name may repeat: the first
     * workspace in configuration order answers it, as in the original.)
     */
    private static Map<String, Trigger> checkTriggers(
            List<Trigger> drafts, Map<String, Task> tasks, Map<String, String> taskFiles, List<WorkflowError> errors) {
        var kept = new LinkedHashMap<String, Trigger>();
        var webhookNames = new HashMap<String, String>();
        for (Trigger trigger : drafts) {
            String prefix = "trigger '" + NameRules.printable(trigger.name()) + "': ";
            Trigger first = kept.get(trigger.name());
            if (first != null) {
                errors.add(WorkflowError.ofFile(trigger.file(), null, prefix + "trigger is already defined in " + first.file()));
                continue;
            }
            if (!tasks.containsKey(trigger.task())) {
                errors.add(WorkflowError.ofFile(trigger.file(), null, prefix + (taskFiles.containsKey(trigger.task())
                        ? "targets task '" + trigger.task() + "', which has errors"
                        : "targets unknown task '" + trigger.task() + "'")));
                continue;
            }
            if (trigger instanceof WebhookTrigger webhook) {
                String other = webhookNames.putIfAbsent(webhook.webhookName(), webhook.name());
                if (other != null) {
                    errors.add(WorkflowError.ofFile(trigger.file(), null, prefix + "webhook name '" + webhook.webhookName()
                            + "' is already used by trigger '" + other + "'"));
                    continue;
                }
            }
            kept.put(trigger.name(), trigger);
        }
        return kept;
    }

    /**
     * A named action whose templates read a name no action ever sees (a typo such as
     * {@code inputs.x}) is not loaded; what depends on the task running it is checked per task.
     */
    private static void checkActionTemplates(TemplateScopeCheck scopes, List<WorkflowFileParser.TaskDraft> drafts,
            Map<String, Action> actions, Map<String, String> actionFiles, Set<String> brokenActions,
            List<WorkflowError> errors) {
        var stepNames = new java.util.LinkedHashSet<String>();
        drafts.forEach(d -> d.task().flow().keySet().forEach(step -> stepNames.add(FlowStep.templateName(step))));
        for (Action action : List.copyOf(actions.values())) {
            var problems = scopes.action(action, stepNames).stream().distinct().toList();
            if (!problems.isEmpty()) {
                problems.forEach(p -> errors.add(WorkflowError.ofAction(actionFiles.get(action.name()), action.name(), p)));
                actions.remove(action.name());
                brokenActions.add(action.name());
            }
        }
    }

    /**
     * Checks the names {@code task}'s templates read (see {@link TemplateScopeCheck}): errors are
     * reported and the task is not loaded; warnings are kept with the workspace.
     */
    private static boolean templatesFit(TemplateScopeCheck scopes, Task task, List<Trigger> triggers,
            Map<String, Action> actions, List<WorkflowError> errors, List<String> warnings) {
        var findings = scopes.task(task, TemplateScopeCheck.callerInput(task, triggers), actions);
        findings.warnings().forEach(w -> warnings.add(WorkflowError.ofTask(task.file(), task.name(), w.step(), w.message())
                .describe()));
        findings.errors().forEach(e -> errors.add(WorkflowError.ofTask(task.file(), task.name(), e.step(), e.message())));
        return findings.errors().isEmpty();
    }

    /** Workspace-level hooks may name an action of any file, so they are checked once all files are read. */
    private static Hooks knownActionsOnly(Hooks hooks, Map<String, Action> actions, Set<String> brokenActions, String file,
            List<WorkflowError> errors, TemplateScopeCheck scopes) {
        var kept = new LinkedHashMap<HookEvent, List<Hook>>();
        for (HookEvent event : HookEvent.values()) {
            var list = new ArrayList<Hook>();
            List<Hook> declared = hooks.declaredFor(event);
            for (int i = 0; i < declared.size(); i++) {
                String problem = hookProblem(declared.get(i), actions, brokenActions);
                if (problem != null) {
                    errors.add(WorkflowError.ofFile(file, null, hookKey(event) + "[" + i + "] " + problem));
                    continue;
                }
                var templateProblems = scopes.hook(declared.get(i), actions.get(declared.get(i).action()),
                        hookKey(event) + "[" + i + "]").stream().distinct().toList();
                if (templateProblems.isEmpty()) {
                    list.add(declared.get(i));
                } else {
                    templateProblems.forEach(p -> errors.add(WorkflowError.ofFile(file, null, p)));
                }
            }
            kept.put(event, list);
        }
        return new Hooks(kept.get(HookEvent.SUCCESS), kept.get(HookEvent.ERROR), kept.get(HookEvent.CANCEL));
    }

    private static String hookProblem(Hook hook, Map<String, Action> actions, Set<String> brokenActions) {
        if (actions.containsKey(hook.action())) {
            return null;
        }
        return brokenActions.contains(hook.action())
                ? "references action '" + hook.action() + "', which has errors"
                : "references unknown action '" + hook.action() + "'";
    }

    /** Notes that {@code name} is (re)defined in {@code file}: a warning when an earlier file had it. */
    private static void redefined(String name, String file, Map<String, String> actionFiles, List<String> warnings) {
        String earlier = actionFiles.put(name, file);
        if (earlier != null) {
            warnings.add("action '" + name + "' is defined in " + earlier + " and again in " + file
                    + "; the later one (" + file + ") is used");
        }
    }

    private static Task resolve(WorkflowFileParser.TaskDraft draft, Map<String, Action> actions, Set<String> brokenActions,
            List<WorkflowError> errors, WorkspaceFiles files) {
        Task task = draft.task();
        String file = task.file();
        int before = errors.size();
        var flow = new LinkedHashMap<String, FlowStep>();
        for (FlowStep step : task.flow().values()) {
            FlowStep resolved = step;
            if (step.action() != null && step.action().source() != null) {
                String problem = SourcePaths.problem(step.action().source(), files);
                if (problem != null) {
                    errors.add(WorkflowError.ofTask(file, task.name(), step.name(), problem));
                }
            }
            String ref = draft.actionRefs().get(step.name());
            if (ref != null) {
                Action action = actions.get(ref);
                if (action != null) {
                    resolved = step.withAction(action);
                } else if (!brokenActions.contains(ref) && ref.indexOf('.') > 0 && ref.indexOf('.') < ref.length() - 1) {
                    // Another workspace's action: resolved when a job is created (the catalog warns
                    // at load when it cannot be), as in the original.
                    resolved = step.withAction(Action.reference(ref, file));
                } else {
                    errors.add(WorkflowError.ofTask(file, task.name(), step.name(), brokenActions.contains(ref)
                            ? "step references action '" + ref + "', which has errors"
                            : "step references unknown action '" + ref + "'"));
                }
            }
            flow.put(step.name(), resolved);
        }
        for (HookEvent event : HookEvent.values()) {
            List<Hook> hooks = task.hooks().declaredFor(event);
            for (int i = 0; i < hooks.size(); i++) {
                String problem = hookProblem(hooks.get(i), actions, brokenActions);
                if (problem != null) {
                    errors.add(WorkflowError.ofTask(file, task.name(), null, hookKey(event) + "[" + i + "] " + problem));
                }
            }
        }
        return errors.size() > before ? null : task.withFlow(flow);
    }

    static String hookKey(HookEvent event) {
        return switch (event) {
            case SUCCESS -> "on_success";
            case ERROR -> "on_error";
            case CANCEL -> "on_cancel";
        };
    }

    /** The folder of a workflow file below the scanned folder ({@code .workflows} or the root), if any. */
    private static String inferredFolder(String file) {
        String below = file.startsWith(WORKFLOWS_DIR + "/") ? file.substring(WORKFLOWS_DIR.length() + 1) : file;
        int slash = below.lastIndexOf('/');
        return slash < 0 ? null : below.substring(0, slash);
    }

    /**
     * The workflow files of a revision, in load order: {@code *.yaml}/{@code *.yml} under
     * {@code .workflows/} (or anywhere when it has none), at most {@link #MAX_DEPTH} folders deep.
     */
    static List<String> workflowFiles(WorkspaceFiles files) {
        String prefix = WORKFLOWS_DIR + "/";
        boolean underWorkflows = files.files().keySet().stream().anyMatch(p -> p.startsWith(prefix));
        var found = new ArrayList<String>();
        for (String path : files.files().keySet()) {
            if (underWorkflows && !path.startsWith(prefix)) {
                continue;
            }
            String below = underWorkflows ? path.substring(prefix.length()) : path;
            String fileName = path.substring(path.lastIndexOf('/') + 1);
            // SOPS' own configuration file is not a workflow file, as in the original.
            boolean sopsConfig = fileName.equals(".sops.yaml") || fileName.equals(".sops.yml");
            if ((path.endsWith(".yaml") || path.endsWith(".yml")) && !sopsConfig && below.split("/").length <= MAX_DEPTH) {
                found.add(path);
            }
        }
        return found;
    }
}
