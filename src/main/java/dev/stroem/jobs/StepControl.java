package dev.stroem.jobs;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A step row's conditions, loop and retry columns.
 *
 * @param whenCondition the {@code when} template as written, or null
 * @param forEachExpr a loop placeholder's {@code for_each}: a template or a literal JSON array; null otherwise
 * @param sequential whether a placeholder runs its instances one at a time
 * @param loop where a loop instance stands in its loop; null for other steps
 * @param retry the step's retry policy and state
 * @param loopOutputs a finished placeholder's output: its instances' outputs in index order (null
 *     for an instance without one); null for other steps
 */
public record StepControl(String whenCondition, String forEachExpr, boolean sequential, LoopPosition loop, Retry retry,
        List<Object> loopOutputs) {

    public static final StepControl NONE = new StepControl(null, null, false, null, Retry.NONE, null);

    public StepControl {
        retry = retry == null ? Retry.NONE : retry;
    }

    public StepControl(String whenCondition, String forEachExpr, boolean sequential, LoopPosition loop, Retry retry) {
        this(whenCondition, forEachExpr, sequential, loop, retry, null);
    }

    public boolean isPlaceholder() {
        return forEachExpr != null;
    }

    /** An instance {@code name[index]} of a loop placeholder {@code source}. */
    public record LoopPosition(String source, int index, int total, Object item) {}

    /**
     * @param attempt the attempt that runs or ran last (0 = the first)
     * @param maxRetries retries allowed after the first attempt; null = none
     * @param backoffSecs the delay before the first retry
     * @param strategy {@code fixed} or {@code exponential}
     * @param history earlier attempts, oldest first
     * @param retryAt the earliest time the step may be claimed again; null = now
     */
    public record Retry(int attempt, Integer maxRetries, Long backoffSecs, String strategy, boolean jitter,
            List<Map<String, Object>> history, Instant retryAt) {
        public static final Retry NONE = new Retry(0, null, null, null, false, List.of(), null);

        public Retry {
            history = history == null ? List.of() : List.copyOf(history);
        }

        public boolean hasAttemptsLeft() {
            return maxRetries != null && attempt < maxRetries;
        }
    }
}
