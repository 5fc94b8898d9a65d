package dev.stroem.workflow;

/** How a job ended, which selects the hooks to fire. */
public enum HookEvent {
    SUCCESS,
    ERROR,
    CANCEL
}
