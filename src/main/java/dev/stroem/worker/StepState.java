package dev.stroem.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stroem.logs.LogLine;
import dev.stroem.logs.LogStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.function.Consumer;

/**
 * The task and global state of one step, as the original keeps it: before the script starts,
 * {@code $STATE_DIR} and {@code $GLOBAL_STATE_DIR} hold the latest snapshots; after it succeeded,
 * what it left in {@code $STATE_OUT_DIR} / {@code $GLOBAL_STATE_OUT_DIR} and its {@code STATE:} /
 * {@code GLOBAL_STATE:} lines become new snapshots. A step that wrote neither makes none; a failed,
 * cancelled or timed-out step saves nothing. The step's stdout lines pass through {@link #accept}.
 */
final class StepState implements StepFolderHook, Consumer<LogLine> {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final StateTransfer transfer;
    private final ClaimedStep step;
    private final StateLines lines = new StateLines();

    StepState(StateTransfer transfer, ClaimedStep step) {
        this.transfer = transfer;
        this.step = step;
    }

    @Override
    public void accept(LogLine line) {
        lines.accept(line);
    }

    private boolean hasScope() {
        return step.workspace() != null && !step.workspace().isEmpty() && step.taskName() != null
                && !step.taskName().isEmpty();
    }

    @Override
    public void beforeStart(StepDirectory dir, Consumer<LogLine> log) throws IOException, InterruptedException {
        if (!hasScope()) {
            return;
        }
        // A claim that names no snapshot for a scope saves the request: there is nothing to download.
        var known = step.state();
        if (known == null || known.task() != null) {
            transfer.fill(new StateTransfer.Scope(step.workspace(), step.taskName()), dir.state(), dir.root());
        }
        if (known == null || known.global() != null) {
            transfer.fill(new StateTransfer.Scope(step.workspace(), null), dir.globalState(), dir.root());
        }
    }

    @Override
    public StepOutcome afterEnd(StepDirectory dir, StepOutcome outcome, Consumer<LogLine> log) throws InterruptedException {
        boolean succeeded = outcome.error() == null && outcome.stoppedBy() == null
                && (outcome.exitCode() == null || outcome.exitCode() == 0);
        if (!succeeded || !hasScope()) {
            return outcome;
        }
        Consumer<String> warn = text -> log.accept(new LogLine(Instant.now().truncatedTo(ChronoUnit.MILLIS),
                LogStream.STDERR, step.stepName(), "[worker] state: " + text));
        try {
            save(new StateTransfer.Scope(step.workspace(), step.taskName()), dir.stateOut(), lines.task(), dir, warn);
            save(new StateTransfer.Scope(step.workspace(), null), dir.globalStateOut(), lines.global(), dir, warn);
            return outcome;
        } catch (IOException e) {
            String message = e instanceof StateTransfer.StateTransferException ? e.getMessage()
                    : "Cannot save the step's state: " + e.getMessage();
            warn.accept(message);
            return new StepOutcome(outcome.exitCode(), message, null);
        }
    }

    private void save(StateTransfer.Scope scope, Path folder, JsonNode printed, StepDirectory dir, Consumer<String> warn)
            throws IOException, InterruptedException {
        JsonNode state = printed != null ? printed : stateFile(folder, warn);
        if (state == null && !StatePacker.hasContent(folder)) {
            return; // the step wrote no state: the latest snapshot stays as it is
        }
        transfer.save(scope, step.jobId(), folder, state, printed != null, dir.root(), warn);
    }

    /**
     * Without {@code STATE:} lines, a root {@code state.json} the step wrote (a JSON object) is
     * the structured state, so a step that copies its {@code $STATE_DIR} keeps its values too.
     */
    private static JsonNode stateFile(Path folder, Consumer<String> warn) {
        Path file = folder.resolve(StatePacker.STATE_FILE);
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        try {
            if (Files.size(file) > StateTransfer.MAX_STATE_JSON_BYTES) {
                warn.accept("state.json is bigger than " + StateTransfer.MAX_STATE_JSON_BYTES + " bytes: it is kept as "
                        + "a file, not as state values");
                return null;
            }
            JsonNode value = JSON.readTree(file.toFile());
            return value != null && value.isObject() ? value : null;
        } catch (IOException e) {
            warn.accept("state.json is not a JSON object (" + e.getMessage() + "): it is kept as a file, not as state "
                    + "values");
            return null;
        }
    }
}
