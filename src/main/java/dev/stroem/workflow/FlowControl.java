package dev.stroem.workflow;

import java.util.List;
import java.util.Locale;

/**
 * A flow step's conditions, loop and retry: {@code when}, {@code for_each}, {@code sequential}
 * and {@code retry}.
 *
 * @param when a template whose rendered text decides whether the step runs, or null
 * @param forEach a template rendering to a JSON array, a literal list, or null (no loop)
 * @param sequential run loop instances one at a time, in order
 * @param retry the step's own retry policy, or null (then the action's applies, if any)
 */
public record FlowControl(String when, Object forEach, boolean sequential, RetryPolicy retry) {

    public static final FlowControl NONE = new FlowControl(null, null, false, null);

    /** Most items one {@code for_each} may expand to, as in the original. */
    public static final int MAX_FOR_EACH_ITEMS = 10_000;

    public FlowControl {
        if (forEach instanceof List<?> list) {
            forEach = OrderedCopies.list(list);
        }
    }

    public boolean loops() {
        return forEach != null;
    }

    /**
     * The original's truthiness of a rendered {@code when}: empty, {@code false}, {@code 0},
     * {@code null} and {@code none} (trimmed, any case) are false; anything else is true.
     */
    public static boolean truthy(String rendered) {
        String v = rendered == null ? "" : rendered.strip().toLowerCase(Locale.ROOT);
        return !(v.isEmpty() || v.equals("false") || v.equals("0") || v.equals("null") || v.equals("none"));
    }
}
