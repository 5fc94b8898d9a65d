package dev.stroem.workflow;

import dev.stroem.logs.SafeName;

/**
 * Names of workspaces, tasks, steps and actions end up in file names, archive keys and URLs, so they
 * must be usable as a single path segment: {@link SafeName}'s rule, the one the log store applies,
 * checked here when a workspace loads so that no job ever carries a name the log store refuses.
 */
final class NameRules {
    /** Step name of the server's own events in job logs. */
    static final String SERVER_STEP = "_server";

    private NameRules() {}

    /** @return why {@code name} is unsafe, or null when it is fine */
    static String unsafe(String name) {
        if (name == null || name.isBlank()) {
            return "name is empty";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '/' || c == '\\') {
                return "name '" + printable(name) + "' contains '" + c + "', which is not allowed in names";
            }
            if (Character.isISOControl(c)) {
                return "name '" + printable(name) + "' contains a control character";
            }
        }
        if (name.contains("..") || name.equals(".")) {
            return "name '" + name + "' contains '..' or is '.', which is not allowed in names";
        }
        String problem = SafeName.problem(name);
        return problem == null ? null : "name '" + printable(name) + "' " + problem;
    }

    /** Steps have extra rules: loop-instance brackets, the server-events step and context roots. */
    static String unsafeStep(String name) {
        String problem = unsafe(name);
        if (problem != null) {
            return problem;
        }
        if (name.indexOf('[') >= 0 || name.indexOf(']') >= 0) {
            return "step name '" + name + "' contains '[' or ']', which are reserved";
        }
        if (name.equals(SERVER_STEP)) {
            return "step name '_server' is reserved for server events";
        }
        String templateName = FlowStep.templateName(name);
        if (templateName.equals("input") || templateName.equals("hook") || templateName.equals("each")) {
            return "step name '" + name + "' would hide the template variable '" + templateName + "'";
        }
        return null;
    }

    static String printable(String name) {
        var out = new StringBuilder();
        name.codePoints().forEach(cp -> {
            if (Character.isISOControl(cp)) {
                out.append(String.format("\\u%04x", cp));
            } else {
                out.appendCodePoint(cp);
            }
        });
        return out.toString();
    }
}
