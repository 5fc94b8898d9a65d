package dev.stroem.worker;

import java.util.ArrayDeque;

/**
 * The last lines a step wrote to stderr, bounded in lines and characters, so a failed step's
 * error names what went wrong (a Python traceback's {@code KeyError: 'missing_key'}) without
 * carrying megabytes of output into the job, its hooks and the UI.
 */
final class OutputTail {

    static final int MAX_LINES = 20;
    static final int MAX_CHARS = 2000;

    private final ArrayDeque<String> lines = new ArrayDeque<>();

    synchronized void add(String line) {
        lines.addLast(line.length() > MAX_CHARS ? line.substring(line.length() - MAX_CHARS) : line);
        if (lines.size() > MAX_LINES) {
            lines.removeFirst();
        }
    }

    /** The kept lines joined by {@code \n}, cut to the last {@link #MAX_CHARS} characters; "" when none. */
    synchronized String text() {
        String text = String.join("\n", lines).strip();
        return text.length() > MAX_CHARS ? "…" + text.substring(text.length() - MAX_CHARS + 1) : text;
    }
}
