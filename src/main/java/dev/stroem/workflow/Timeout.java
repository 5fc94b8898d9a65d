package dev.stroem.workflow;

import java.math.BigInteger;
import java.util.regex.Pattern;

/**
 * Parses the original's timeout syntax: a plain positive integer (seconds) or unit groups such as
 * {@code 30s}, {@code 5m}, {@code 1h30m}; we also accept {@code d} (days), which the original's
 * documentation uses for the task maximum ({@code 7d}).
 */
public final class Timeout {

    /** A step's timeout may be at most 24 hours, as in the original. */
    public static final long STEP_MAX_SECONDS = 24 * 3600;
    /** A task's (job's) timeout may be at most 7 days, as in the original. */
    public static final long TASK_MAX_SECONDS = 7 * 24 * 3600;

    private static final Pattern GROUPS = Pattern.compile("(?:\\d+[dhms])+");
    private static final Pattern GROUP = Pattern.compile("(\\d+)([dhms])");

    private Timeout() {}

    /**
     * @param raw the YAML value: an integer or a string
     * @return seconds, between 1 and {@code maxSeconds}
     * @throws IllegalArgumentException with a one-sentence message when the value is not a
     *     duration, is zero, or exceeds {@code maxSeconds}
     */
    public static long parseSeconds(Object raw, long maxSeconds) {
        BigInteger seconds;
        if (raw instanceof Integer || raw instanceof Long) {
            seconds = BigInteger.valueOf(((Number) raw).longValue());
        } else if (raw instanceof BigInteger big) {
            seconds = big;
        } else if (raw instanceof String text) {
            seconds = parseText(text.trim());
        } else if (raw == null) {
            throw new IllegalArgumentException("timeout is empty");
        } else {
            throw notADuration(raw);
        }
        if (seconds.signum() <= 0) {
            throw new IllegalArgumentException("timeout must be greater than 0");
        }
        if (seconds.compareTo(BigInteger.valueOf(maxSeconds)) > 0) {
            throw new IllegalArgumentException("timeout " + raw + " exceeds the maximum of " + describe(maxSeconds));
        }
        return seconds.longValueExact();
    }

    private static BigInteger parseText(String text) {
        if (text.matches("\\d+")) {
            return new BigInteger(text);
        }
        if (!GROUPS.matcher(text).matches()) {
            throw notADuration(text);
        }
        var total = BigInteger.ZERO;
        var m = GROUP.matcher(text);
        while (m.find()) {
            long unit = switch (m.group(2)) {
                case "d" -> 86400;
                case "h" -> 3600;
                case "m" -> 60;
                default -> 1;
            };
            total = total.add(new BigInteger(m.group(1)).multiply(BigInteger.valueOf(unit)));
        }
        return total;
    }

    private static IllegalArgumentException notADuration(Object raw) {
        return new IllegalArgumentException(
                "timeout '" + raw + "' is not a duration; use e.g. 30s, 5m, 1h30m or a number of seconds");
    }

    static String describe(long seconds) {
        if (seconds > 86400 && seconds % 86400 == 0) {
            return seconds / 86400 + "d";
        }
        if (seconds % 3600 == 0) {
            return seconds / 3600 + "h";
        }
        return seconds + "s";
    }
}
