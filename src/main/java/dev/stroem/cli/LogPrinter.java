package dev.stroem.cli;

import java.io.BufferedWriter;
import java.io.PrintWriter;
import java.time.ZoneId;
import java.util.function.Consumer;

/**
 * Prints a job's log for {@code stroem logs} and {@code stroem trigger --follow}: readable lines
 * ({@link LogLineFormatter}) or the raw JSONL, the whole log, its tail, or live until the job ends.
 */
final class LogPrinter {

    /** What to show: {@code step} and {@code stream} are null for all. */
    record Selection(String step, String stream, boolean rawJson) {}

    private final ApiClient api;
    private final PrintWriter out;
    private final PrintWriter err;
    private final LogLineFormatter formatter;
    private final LiveLogFollower.Settings followSettings;

    LogPrinter(ApiClient api, PrintWriter out, PrintWriter err, boolean colour, LiveLogFollower.Settings followSettings) {
        this.api = api;
        // Buffered, flushed per batch: a million lines must not be a million writes.
        this.out = new PrintWriter(new BufferedWriter(out, 1 << 16));
        this.err = err;
        this.formatter = new LogLineFormatter(ZoneId.systemDefault(), colour);
        this.followSettings = followSettings;
    }

    /** Standard output was closed (piped into {@code head}, say): nobody reads on, so stop quietly. */
    private static final class OutputClosed extends RuntimeException {
        OutputClosed() {
            super("standard output is closed", null, false, false);
        }
    }

    /** The log as it is now. */
    void printAll(String jobId, Selection selection) {
        try {
            api.streamLog(jobId, selection.step(), selection.stream(), printer(selection));
        } catch (OutputClosed e) {
            return;
        } finally {
            out.flush();
        }
    }

    /** The last {@code tail} lines; returns the position after the job's last line (to follow from). */
    long printTail(String jobId, Selection selection, int tail) {
        var page = api.logTail(jobId, selection.step(), selection.stream(), tail);
        var print = printer(selection);
        page.path("logs").asText("").lines().filter(l -> !l.isEmpty()).forEach(print);
        out.flush();
        return page.path("next_offset").asLong(0);
    }

    /**
     * The log from position {@code from} on, live, until the job ends; returns the exit code for the
     * job's final status and says it on stderr.
     */
    int follow(String jobId, Selection selection, long from) throws InterruptedException {
        Consumer<String> print = printer(selection);
        // The live stream has no stream filter: pick the lines here. Inside the "line" value every quote
        // is escaped, so this text can only be the stream field itself.
        String wanted = "\"stream\":\"" + selection.stream() + "\"";
        Consumer<String> filtered = selection.stream() == null ? print : line -> {
            if (line.contains(wanted)) {
                print.accept(line);
            }
        };
        String status;
        try {
            status = new LiveLogFollower(api, err, followSettings).follow(jobId, selection.step(), from, filtered, out::flush);
        } catch (OutputClosed e) {
            return ExitCodes.OK;
        }
        out.flush();
        err.println("Job " + jobId + " " + status + ".");
        err.flush();
        return ExitCodes.forJobStatus(status).orElse(ExitCodes.ERROR);
    }

    private Consumer<String> printer(Selection selection) {
        return line -> {
            out.println(selection.rawJson() ? line : formatter.format(line));
            if (out.checkError()) {
                throw new OutputClosed();
            }
        };
    }
}
