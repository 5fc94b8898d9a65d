package dev.stroem.workflow;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An immutable, loaded workspace: only valid actions and tasks are in it; every problem found is in
 * {@link #errors}.
 *
 * @param actions named actions in file order (inline actions hang off their {@link FlowStep})
 * @param tasks valid tasks in file order
 * @param hooks workspace-level fallback hooks (top-level {@code on_success}/{@code on_error}/{@code
 *     on_cancel} of the workflow files, merged)
 * @param triggers valid triggers (scheduler and webhook) by their key, in file order
 * @param files the folder's files these definitions were read from (null when it could not be read)
 * @param warnings what loaded but deserves a look (an action defined twice: the later file wins)
 */
public record Workspace(
        String name,
        Path root,
        Map<String, Action> actions,
        Map<String, Task> tasks,
        Hooks hooks,
        List<WorkflowError> errors,
        Map<String, Trigger> triggers,
        WorkspaceFiles files,
        List<String> warnings) {

    public Workspace {
        triggers = OrderedCopies.map(triggers);
        actions = OrderedCopies.map(actions);
        tasks = OrderedCopies.map(tasks);
        hooks = hooks == null ? Hooks.NONE : hooks;
        errors = OrderedCopies.list(errors);
        warnings = OrderedCopies.list(warnings);
    }

    /** A workspace without triggers. */
    public Workspace(String name, Path root, Map<String, Action> actions, Map<String, Task> tasks, Hooks hooks,
            List<WorkflowError> errors) {
        this(name, root, actions, tasks, hooks, errors, Map.of(), null, List.of());
    }

    /** This workspace with further warnings. */
    public Workspace withWarnings(List<String> more) {
        var all = new java.util.ArrayList<>(warnings);
        all.addAll(more);
        return new Workspace(name, root, actions, tasks, hooks, errors, triggers, files, all);
    }

    /** The revision these definitions were read at: null when the folder could not be read. */
    public String revision() {
        return files == null ? null : files.revision();
    }

    /** The enabled webhook trigger with this URL name, if this workspace has one. */
    public Optional<WebhookTrigger> webhook(String webhookName) {
        return triggers.values().stream()
                .filter(t -> t instanceof WebhookTrigger w && w.enabled() && w.webhookName().equals(webhookName))
                .map(WebhookTrigger.class::cast)
                .findFirst();
    }

    public Optional<Task> task(String taskName) {
        return Optional.ofNullable(tasks.get(taskName));
    }

    public Optional<Action> action(String actionName) {
        return Optional.ofNullable(actions.get(actionName));
    }

    public boolean valid() {
        return errors.isEmpty();
    }

    /**
     * The hooks to fire when a job of {@code task} ends with {@code event}, following the original:
     * the task's own hooks for that event, else the workspace-level ones. A cancelled job fires
     * {@code on_cancel} when the task or workspace declares it, and otherwise the {@code on_error}
     * hooks, as the original (which has no {@code on_cancel}) does. Hook jobs themselves never fire
     * hooks; that guard is the caller's.
     */
    public List<Hook> hooksFor(Task task, HookEvent event) {
        List<Hook> own = task.hooks().declaredFor(event);
        if (!own.isEmpty()) {
            return own;
        }
        List<Hook> fallback = hooks.declaredFor(event);
        if (!fallback.isEmpty() || event != HookEvent.CANCEL) {
            return fallback;
        }
        return hooksFor(task, HookEvent.ERROR);
    }
}
