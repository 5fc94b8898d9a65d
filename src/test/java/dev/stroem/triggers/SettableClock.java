package dev.stroem.triggers;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/** A clock that stands still at the instant a test sets: fire times are reached without waiting. */
final class SettableClock extends Clock {
    private final AtomicReference<Instant> now;

    SettableClock(Instant start) {
        this.now = new AtomicReference<>(start);
    }

    void set(Instant instant) {
        now.set(instant);
    }

    void set(String iso) {
        set(Instant.parse(iso));
    }

    void advance(Duration by) {
        now.updateAndGet(i -> i.plus(by));
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("a SettableClock is always UTC");
    }

    @Override
    public Instant instant() {
        return now.get();
    }
}
