package dev.stroem.worker;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Exponential pauses between retries, with a cap and some jitter so many workers spread out. */
final class Backoff {

    private final long initialMillis;
    private final long maxMillis;
    private long nextMillis;

    Backoff(Duration initial, Duration max) {
        this.initialMillis = Math.max(1, initial.toMillis());
        this.maxMillis = Math.max(initialMillis, max.toMillis());
        this.nextMillis = initialMillis;
    }

    /** The pause before the next attempt; each call doubles the following one up to the cap. */
    Duration next() {
        long base = nextMillis;
        nextMillis = Math.min(maxMillis, nextMillis * 2);
        long jitter = ThreadLocalRandom.current().nextLong(base / 5 + 1);
        return Duration.ofMillis(Math.min(maxMillis, base - base / 10 + jitter));
    }

    void reset() {
        nextMillis = initialMillis;
    }
}
