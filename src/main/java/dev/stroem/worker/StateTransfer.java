package dev.stroem.worker;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves task and global state between the server and a step's folders: the latest snapshot
 * streamed to disk and unpacked into {@code $STATE_DIR} / {@code $GLOBAL_STATE_DIR} (by the
 * workspace archive's safety rules) before the step runs, and a new snapshot packed from
 * {@code $STATE_OUT_DIR} / {@code $GLOBAL_STATE_OUT_DIR} and streamed to the server after it
 * succeeded ({@link StepState} decides when).
 *
 * <p>A call that gets no answer or a server error is tried again a few times; an upload keeps the
 * snapshot id the worker chose for it, so a retry after a lost answer is recognised by the
 * server and never makes a second snapshot. When the tries are used up the step fails with the
 * reason.
 */
final class StateTransfer {

    private static final Logger log = LoggerFactory.getLogger(StateTransfer.class);
    /** The original's limit of a snapshot; a bigger one is not saved (a warning, as in the original). */
    static final long MAX_SNAPSHOT_BYTES = 50L * 1024 * 1024;
    /**
     * Structured state up to this size travels in a request header (servers refuse request
     * headers beyond 8 KiB in all); a bigger one goes as the snapshot's first entry, its root
     * {@code state.json}, with {@code X-Stroem-State-In-Archive}.
     */
    static final int MAX_STATE_HEADER_CHARS = 6 * 1024;
    /** The largest structured state a server keeps (it is read at every claim of the task). */
    static final int MAX_STATE_JSON_BYTES = 1 << 20;
    /** A header carries ASCII only: everything else is written as a JSON escape. */
    private static final JsonMapper HEADER_JSON = JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();

    /** A snapshot's scope: a task, or the workspace ({@code task} null: global state). */
    record Scope(String workspace, String task) {
        String describe() {
            return task == null ? "global state of workspace '" + workspace + "'"
                    : "state of task '" + task + "' (workspace '" + workspace + "')";
        }
    }

    /** What became of an upload. */
    enum Saved { SAVED, NOT_KEPT }

    /** Why a transfer failed for good; the message is a sentence for the step's error. */
    static final class StateTransferException extends IOException {
        StateTransferException(String message) {
            super(message);
        }
    }

    private final WorkerApiClient api;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final int attempts;

    /**
     * @param attempts how many times a call is tried before the step fails (at least 1)
     */
    StateTransfer(WorkerApiClient api, Duration initialBackoff, Duration maxBackoff, int attempts) {
        this.api = api;
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
        this.attempts = Math.max(1, attempts);
    }

    /** The hook that moves the state of {@code step}. */
    StepState forStep(ClaimedStep step) {
        return new StepState(this, step);
    }

    /**
     * Fills {@code into} with the scope's latest snapshot (nothing when there is none);
     * {@code scratch} holds the download meanwhile.
     */
    void fill(Scope scope, Path into, Path scratch) throws IOException, InterruptedException {
        Path archive = scratch.resolve(".state-" + UUID.randomUUID() + ".tar.gz");
        try {
            StateDownload download = retrying("read the " + scope.describe(),
                    () -> api.downloadState(scope.workspace(), scope.task(), archive));
            if (download.present() && Files.size(archive) > 0) {
                try {
                    WorkspaceUnpacker.unpack(archive, into, "state snapshot");
                } catch (IOException e) {
                    throw new StateTransferException("Cannot read the " + scope.describe() + ": " + e.getMessage());
                }
            }
        } finally {
            Files.deleteIfExists(archive);
        }
    }

    /**
     * Saves {@code folder} as the scope's new snapshot, with {@code state} (when not null) as its
     * structured state; {@code scratch} holds the tarball meanwhile.
     *
     * @param printed the state came from {@code STATE:} lines and becomes the root {@code state.json}
     *     (otherwise it was read from the folder's own {@code state.json}, which is packed as it is)
     * @param warn gets a sentence for each thing left out of the snapshot
     */
    Saved save(Scope scope, String jobId, Path folder, JsonNode state, boolean printed, Path scratch,
            java.util.function.Consumer<String> warn) throws IOException, InterruptedException {
        String stateJson = state == null ? null : HEADER_JSON.writeValueAsString(state);
        boolean inHeader = stateJson == null || stateJson.length() <= MAX_STATE_HEADER_CHARS;
        if (!inHeader && stateJson.length() > MAX_STATE_JSON_BYTES) {
            // ASCII only (non-ASCII is escaped), so characters are bytes.
            throw new StateTransferException("Cannot save the " + scope.describe() + ": its state values are "
                    + stateJson.length() + " bytes of JSON, at most " + MAX_STATE_JSON_BYTES
                    + " (1 MiB) are kept; put bigger data in a file of the state-out folder");
        }
        Path archive = scratch.resolve(".state-" + UUID.randomUUID() + ".tar.gz");
        try {
            // A state too big for the header is the tarball's first entry, which the server reads it from.
            StatePacker.pack(folder, printed || !inHeader ? stateJson : null, printed, archive, warn);
            long size = Files.size(archive);
            if (size > MAX_SNAPSHOT_BYTES) {
                warn.accept("the new snapshot of the " + scope.describe() + " is " + size + " bytes compressed, more "
                        + "than the " + MAX_SNAPSHOT_BYTES + " (50 MB) a snapshot may hold; it is not saved");
                return Saved.NOT_KEPT;
            }
            // Chosen once, sent with every try: the server stores one snapshot per id.
            String snapshotId = UUID.randomUUID().toString();
            try {
                retrying("save the " + scope.describe(), () -> {
                    api.uploadState(scope.workspace(), scope.task(), jobId, snapshotId, inHeader ? stateJson : null,
                            !inHeader, archive);
                    return Saved.SAVED;
                });
            } catch (StateRefused e) {
                // The server keeps no state (501), or no longer knows the task (404), or finds it too big:
                // as in the original, the step still succeeds, with the reason in its log.
                warn.accept("the " + scope.describe() + " was not saved: " + e.getMessage());
                return Saved.NOT_KEPT;
            }
            return Saved.SAVED;
        } finally {
            Files.deleteIfExists(archive);
        }
    }

    /** A refusal that says the state is not kept, not that the step failed. */
    private static final class StateRefused extends IOException {
        StateRefused(String message) {
            super(message);
        }
    }

    @FunctionalInterface
    private interface Call<T> {
        T run() throws InterruptedException;
    }

    private <T> T retrying(String what, Call<T> call) throws IOException, InterruptedException {
        var backoff = new Backoff(initialBackoff, maxBackoff);
        for (int attempt = 1; ; attempt++) {
            try {
                T result = call.run();
                if (attempt > 1) {
                    log.info("Could {} after {} failed attempts", what, attempt - 1);
                }
                return result;
            } catch (WorkerApiException e) {
                if (e.status() == 404 || e.status() == 413 || e.status() == 501) {
                    throw new StateRefused(e.getMessage());
                }
                if (!e.retryable()) {
                    throw new StateTransferException("Cannot " + what + ": " + e.getMessage());
                }
                if (attempt >= attempts) {
                    throw new StateTransferException("Cannot " + what + " after " + attempts + " attempts: "
                            + e.getMessage());
                }
                log.warn("Cannot {} (attempt {} of {}); retrying: {}", what, attempt, attempts, e.getMessage());
                Thread.sleep(backoff.next().toMillis());
            } catch (java.io.UncheckedIOException e) {
                throw e.getCause();
            }
        }
    }
}
