package dev.stroem.cli;

import java.util.Optional;

/**
 * The exit codes of the client commands. A command that waits for or reports on a job exits with
 * the job's outcome: {@value #OK} completed (or still running, for {@code status}), {@value #FAILED}
 * failed, {@value #CANCELLED} cancelled. {@value #ERROR} means the command itself could not do its
 * work (server unreachable, unknown job, bad argument), with one sentence on stderr.
 */
public final class ExitCodes {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int CANCELLED = 2;
    public static final int ERROR = 3;

    private ExitCodes() {}

    /** The exit code for a job's status: empty while the job has not ended. */
    public static Optional<Integer> forJobStatus(String status) {
        return switch (status == null ? "" : status) {
            case "completed" -> Optional.of(OK);
            case "failed" -> Optional.of(FAILED);
            case "cancelled" -> Optional.of(CANCELLED);
            default -> Optional.empty();
        };
    }
}
