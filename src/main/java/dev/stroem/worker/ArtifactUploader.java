package dev.stroem.worker;

import dev.stroem.logs.LogLine;
import dev.stroem.logs.LogStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Uploads what a successful step left in {@code $ARTIFACTS_DIR}, file by file, before the step is
 * reported: streamed from disk, with the content type {@link ContentTypeSniffer sniffed}. A file
 * the server does not take (over {@code max_file_bytes} or {@code max_job_bytes}: 413; its store
 * unavailable past the retries) fails the step with a sentence naming the file, and the step's
 * uploads are deleted again, so a step is never "completed" without its files nor "failed" with
 * half of them. Transient failures (no answer, 5xx) are retried with backoff; a retry replaces
 * what an earlier attempt stored (same name). Skipped entries (links, bad names) are warned about
 * in the step's log. A step that did not succeed uploads nothing: its folder is discarded.
 */
final class ArtifactUploader {

    private static final Logger log = LoggerFactory.getLogger(ArtifactUploader.class);

    /**
     * Tries per file: with the worker's backoff (0.2 s doubling) about 6 s of retrying, enough
     * for a blip, short enough that an outage fails the step instead of holding it.
     */
    static final int ATTEMPTS = 6;
    /** The slowest upload rate assumed when giving an upload its time (1 MiB/s). */
    private static final long MIN_BYTES_PER_SECOND = 1024 * 1024;

    private final WorkerApiClient api;
    private final ContentTypeSniffer types = new ContentTypeSniffer();
    private final Duration requestTimeout;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final int attempts;

    ArtifactUploader(WorkerApiClient api, Duration requestTimeout, Duration initialBackoff, Duration maxBackoff) {
        this(api, requestTimeout, initialBackoff, maxBackoff, ATTEMPTS);
    }

    /** @param attempts tries per file (and for the clean-up after a failure) */
    ArtifactUploader(WorkerApiClient api, Duration requestTimeout, Duration initialBackoff, Duration maxBackoff,
            int attempts) {
        this.api = api;
        this.attempts = attempts;
        this.requestTimeout = requestTimeout;
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
    }

    /** An upload that did not succeed; the message is the step's error. */
    private static final class UploadFailed extends Exception {
        UploadFailed(String message) {
            super(message);
        }
    }

    /** The upload as the step's folder hook: after the script ended, before its folders are deleted. */
    StepFolderHook forStep(ClaimedStep step) {
        return new StepFolderHook() {
            @Override
            public StepOutcome afterEnd(StepDirectory dir, StepOutcome outcome, Consumer<LogLine> log)
                    throws InterruptedException {
                return finish(step, dir.artifacts(), outcome, log);
            }
        };
    }

    /**
     * After the step's script ended: uploads the folder's files when {@code outcome} is a success
     * and returns it, or a failure naming the file that could not be uploaded. Lines for the
     * step's log go to {@code stepLog}.
     */
    StepOutcome finish(ClaimedStep step, Path folder, StepOutcome outcome, Consumer<LogLine> stepLog)
            throws InterruptedException {
        ArtifactFiles found;
        try {
            found = ArtifactFiles.scan(folder);
        } catch (IOException e) {
            return outcome.error() != null ? outcome
                    : new StepOutcome(outcome.exitCode(), "Cannot read the step's artifacts folder: " + e.getMessage(), null);
        }
        if (outcome.error() != null || outcome.stoppedBy() != null) {
            if (!found.files().isEmpty()) {
                say(step, stepLog, "the step did not succeed: " + count(found.files().size()) + " discarded");
            }
            return outcome;
        }
        for (String skipped : found.skipped()) {
            say(step, stepLog, skipped);
            log.warn("{}: {}", step.describe(), skipped);
        }
        if (found.files().isEmpty()) {
            return outcome;
        }
        long bytes = 0;
        for (ArtifactFiles.ArtifactFile file : found.files()) {
            try {
                upload(step, file, stepLog);
                bytes += file.size();
            } catch (UploadFailed e) {
                say(step, stepLog, e.getMessage() + "; the step fails and its artifacts are deleted");
                log.warn("{}: {}", step.describe(), e.getMessage());
                discard(step);
                return new StepOutcome(outcome.exitCode(), e.getMessage(), null);
            }
        }
        say(step, stepLog, "uploaded " + count(found.files().size()) + " (" + bytes + " bytes)");
        return outcome;
    }

    private void upload(ClaimedStep step, ArtifactFiles.ArtifactFile file, Consumer<LogLine> stepLog)
            throws UploadFailed, InterruptedException {
        String contentType = types.typeOf(file.path());
        Duration timeout = requestTimeout.plusSeconds(file.size() / MIN_BYTES_PER_SECOND);
        var backoff = new Backoff(initialBackoff, maxBackoff);
        String what = "artifact \"" + file.name() + "\" (" + file.size() + " bytes)";
        for (int attempt = 1; ; attempt++) {
            try {
                api.uploadArtifact(step.jobId(), step.stepName(), file.name(), file.path(), contentType, timeout);
                return;
            } catch (UncheckedIOException e) {
                throw new UploadFailed("Cannot upload " + what + ": " + e.getCause().getMessage());
            } catch (WorkerApiException e) {
                if (!e.retryable()) {
                    throw new UploadFailed("Cannot upload " + what + ": " + e.getMessage());
                }
                if (attempt == attempts) {
                    throw new UploadFailed("Cannot upload " + what + " after " + attempts + " attempts: " + e.getMessage());
                }
                if (attempt == 1) {
                    say(step, stepLog, "uploading " + what + " failed; retrying: " + e.getMessage());
                }
                Thread.sleep(backoff.next().toMillis());
            }
        }
    }

    /** Deletes what the step uploaded, so a failed step keeps none of its files; retried like an upload. */
    private void discard(ClaimedStep step) throws InterruptedException {
        var backoff = new Backoff(initialBackoff, maxBackoff);
        for (int attempt = 1; ; attempt++) {
            try {
                api.deleteStepArtifacts(step.jobId(), step.stepName());
                return;
            } catch (WorkerApiException e) {
                if (!e.retryable() || attempt == attempts) {
                    log.warn("{}: the artifacts it uploaded could not be deleted: {}", step.describe(), e.getMessage());
                    return;
                }
                Thread.sleep(backoff.next().toMillis());
            }
        }
    }

    private static String count(int files) {
        return files == 1 ? "1 artifact file" : files + " artifact files";
    }

    private static void say(ClaimedStep step, Consumer<LogLine> stepLog, String sentence) {
        stepLog.accept(new LogLine(Instant.now().truncatedTo(ChronoUnit.MILLIS), LogStream.STDERR, step.stepName(),
                "[worker] " + sentence));
    }
}
