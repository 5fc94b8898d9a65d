package dev.stroem.worker;

import dev.stroem.logs.LogLine;
import java.io.IOException;
import java.util.function.Consumer;

/**
 * Work on a step's folders around its script: {@link #beforeStart} once they exist and before the
 * script starts (filling {@code $STATE_DIR}, say), {@link #afterEnd} once the script and all its
 * output are over and before the folders are deleted (saving {@code $STATE_OUT_DIR}, say). Both
 * may write {@code [worker]} lines into the step's log through {@code log}.
 */
interface StepFolderHook {

    /** Nothing around the script. */
    StepFolderHook NONE = new StepFolderHook() {};

    /** @throws IOException when the step must not start; its message becomes the step's error */
    default void beforeStart(StepDirectory dir, Consumer<LogLine> log) throws IOException, InterruptedException {}

    /** Returns the step's outcome: {@code outcome}, or a failure when what must follow a success failed. */
    default StepOutcome afterEnd(StepDirectory dir, StepOutcome outcome, Consumer<LogLine> log) throws InterruptedException {
        return outcome;
    }


    /**
     * {@code first}, then {@code second}: both prepare the folders in that order, and
     * {@code second}'s end gets the outcome {@code first}'s end returned.
     */
    static StepFolderHook inOrder(StepFolderHook first, StepFolderHook second) {
        return new StepFolderHook() {
            @Override
            public void beforeStart(StepDirectory dir, Consumer<LogLine> log) throws IOException, InterruptedException {
                first.beforeStart(dir, log);
                second.beforeStart(dir, log);
            }

            @Override
            public StepOutcome afterEnd(StepDirectory dir, StepOutcome outcome, Consumer<LogLine> log)
                    throws InterruptedException {
                return second.afterEnd(dir, first.afterEnd(dir, outcome, log), log);
            }
        };
    }
}
