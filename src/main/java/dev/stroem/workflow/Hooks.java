package dev.stroem.workflow;

import java.util.List;

/** The hooks of a task, or the workspace-level fallback hooks (top-level keys of a workflow file). */
public record Hooks(List<Hook> onSuccess, List<Hook> onError, List<Hook> onCancel) {

    public static final Hooks NONE = new Hooks(List.of(), List.of(), List.of());

    public Hooks {
        onSuccess = OrderedCopies.list(onSuccess);
        onError = OrderedCopies.list(onError);
        onCancel = OrderedCopies.list(onCancel);
    }

    /** The hooks declared for exactly this event (no fallback). */
    public List<Hook> declaredFor(HookEvent event) {
        return switch (event) {
            case SUCCESS -> onSuccess;
            case ERROR -> onError;
            case CANCEL -> onCancel;
        };
    }

    public boolean isEmpty() {
        return onSuccess.isEmpty() && onError.isEmpty() && onCancel.isEmpty();
    }

    Hooks plus(Hooks other) {
        return new Hooks(concat(onSuccess, other.onSuccess), concat(onError, other.onError), concat(onCancel, other.onCancel));
    }

    private static List<Hook> concat(List<Hook> a, List<Hook> b) {
        if (b.isEmpty()) {
            return a;
        }
        var all = new java.util.ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
