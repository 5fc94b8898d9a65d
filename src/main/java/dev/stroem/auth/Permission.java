package dev.stroem.auth;

/** What a principal may do with a task, lowest first: invisible, read-only, full. */
public enum Permission {
    DENY, VIEW, RUN;

    public boolean atLeast(Permission other) {
        return compareTo(other) >= 0;
    }

    static Permission fromConfig(String action) {
        return switch (action) {
            case "run" -> RUN;
            case "view" -> VIEW;
            default -> DENY;
        };
    }
}
