package dev.stroem.workflow;

import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * A {@code retry:} block of a step, an action or a task.
 *
 * @param maxAttempts attempts in all, the first included (1–10)
 * @param delaySeconds delay before the first retry (0–3600)
 * @param backoff {@code fixed} or {@code exponential}
 * @param jitter whether each delay varies randomly by up to ±25%
 */
public record RetryPolicy(int maxAttempts, long delaySeconds, String backoff, boolean jitter) {

    public static final String FIXED = "fixed";
    public static final String EXPONENTIAL = "exponential";
    public static final int DEFAULT_MAX_ATTEMPTS = 3;
    public static final long DEFAULT_DELAY_SECONDS = 30;
    public static final int MAX_ATTEMPTS_LIMIT = 10;
    public static final long MAX_DELAY_SECONDS = 3600;
    /** Exponential delays stop growing at this multiple of the first delay. */
    public static final long EXPONENTIAL_CAP = 64;

    public RetryPolicy {
        backoff = backoff == null ? FIXED : backoff.toLowerCase(Locale.ROOT);
    }

    /** Retries after the first attempt. */
    public int maxRetries() {
        return maxAttempts - 1;
    }

    /**
     * The delay before retry number {@code retry} (1 = the first retry), in milliseconds.
     *
     * @param random the jitter's source; unused without jitter
     */
    public static long delayMillis(long baseSeconds, String backoff, boolean jitter, int retry, RandomGenerator random) {
        long factor = 1;
        if (EXPONENTIAL.equals(backoff)) {
            factor = Math.min(EXPONENTIAL_CAP, 1L << Math.min(Math.max(retry - 1, 0), 6));
        }
        long millis = baseSeconds * 1000 * factor;
        if (jitter && millis > 0) {
            // ±25%: the original's "10s → 7.5s–12.5s".
            double spread = (random.nextDouble() * 0.5) - 0.25;
            millis = Math.round(millis * (1 + spread));
        }
        return millis;
    }
}
