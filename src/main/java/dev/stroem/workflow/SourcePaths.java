package dev.stroem.workflow;

import java.util.ArrayDeque;
import java.util.List;

/**
 * Where a script action's {@code source} file is: a path relative to the workspace root that
 * never leaves it. Checked twice: its form when the file is parsed, its existence (a regular
 * file, no symlink on the way) against the revision's files when the workspace loads.
 */
final class SourcePaths {
    private SourcePaths() {}

    /** The path with {@code .} and {@code a/..} resolved; null when it is absolute or leaves the root. */
    static String normalise(String source) {
        if (source == null || source.isBlank() || source.startsWith("/") || source.startsWith("\\")
                || source.indexOf('\0') >= 0 || source.matches("^[A-Za-z]:.*")) {
            return null;
        }
        var parts = new ArrayDeque<String>();
        for (String part : source.replace('\\', '/').split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (parts.isEmpty()) {
                    return null;
                }
                parts.removeLast();
            } else {
                parts.addLast(part);
            }
        }
        return parts.isEmpty() ? null : String.join("/", parts);
    }

    /** Why {@code source} (normalised) cannot run from {@code files}; null when it can. */
    static String problem(String source, WorkspaceFiles files) {
        if (files.file(source).isPresent()) {
            return null;
        }
        List<String> links = files.symlinks();
        for (String link : links) {
            if (source.equals(link) || source.startsWith(link + "/")) {
                return "source '" + source + "' goes through the symlink '" + link
                        + "'; symlinks are not part of a workspace, so the file would not be there on a worker";
            }
        }
        return "source '" + source + "' is not a file of the workspace";
    }
}
