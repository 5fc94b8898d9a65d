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
    private final WorkspaceCapture capture = new WorkspaceCapture();

    public WorkspaceLoader() {
        this(new TemplateEngine());
    }

    public WorkspaceLoader(TemplateEngine templates) {
        this.parser = new WorkflowFileParser(templates);
    }

    /** The folder scanned for workflow files of the workspace at {@code root}. */
    public static Path scanDir(Path root) {
        Path workflows = root.resolve(WORKFLOWS_DIR);
        return Files.isDirectory(workflows) ? workflows : root;
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
        for (String file : workflowFiles) {
            String content;
            try {
                content = StandardCharsets.UTF_8.newDecoder()
                        .decode(java.nio.ByteBuffer.wrap(files.files().get(file).content())).toString();
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
            fileHooks.put(file, parsed.hooks());
        }

        Hooks workspaceHooks = Hooks.NONE;
        for (var entry : fileHooks.entrySet()) {
            workspaceHooks = workspaceHooks.plus(knownActionsOnly(entry.getValue(), actions, brokenActions, entry.getKey(), errors));
        }
        var tasks = new LinkedHashMap<String, Task>();
        for (var draft : drafts) {
            Task resolved = resolve(draft, actions, brokenActions, errors, files);
            if (resolved != null) {
                tasks.put(resolved.name(), resolved);
            }
        }
        var triggers = checkTriggers(triggerDrafts, tasks, taskFiles, errors);
        // Grouped by file (stable, so each file's problems keep their order) for readers and `stroem validate`.
        errors.sort(java.util.Comparator.comparing(WorkflowError::file, java.util.Comparator.nullsFirst(java.util.Comparator.naturalOrder())));
        return new Workspace(name, absolute, actions, tasks, workspaceHooks, errors, triggers, files, warnings);
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

    /** Workspace-level hooks may name an action of any file, so they are checked once all files are read. */
    private static Hooks knownActionsOnly(
            Hooks hooks, Map<String, Action> actions, Set<String> brokenActions, String file, List<WorkflowError> errors) {
        var kept = new LinkedHashMap<HookEvent, List<Hook>>();
        for (HookEvent event : HookEvent.values()) {
            var list = new ArrayList<Hook>();
            List<Hook> declared = hooks.declaredFor(event);
            for (int i = 0; i < declared.size(); i++) {
                String problem = hookProblem(declared.get(i), actions, brokenActions);
                if (problem == null) {
                    list.add(declared.get(i));
                } else {
                    errors.add(WorkflowError.ofFile(file, null, hookKey(event) + "[" + i + "] " + problem));
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
            if ((path.endsWith(".yaml") || path.endsWith(".yml")) && below.split("/").length <= MAX_DEPTH) {
                found.add(path);
            }
        }
        return found;
    }
}
