package dev.stroem.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Cron expressions as the original's documentation writes them, read by cron-utils. */
class CronScheduleTest {

    private static Instant at(String iso) {
        return Instant.parse(iso);
    }

    @Test
    void fiveFieldsFireAtSecondZeroOfTheMinute() {
        var every = CronSchedule.parse("0 2 * * *", null);
        assertThat(every.zone().getId()).isEqualTo("Z");
        assertThat(every.next(at("2026-01-10T00:00:00Z"), 2))
                .containsExactly(at("2026-01-10T02:00:00Z"), at("2026-01-11T02:00:00Z"));
    }

    @Test
    void sixFieldsStartWithSeconds() {
        assertThat(CronSchedule.parse("*/10 * * * * *", null).next(at("2026-01-10T00:00:05Z"), 3))
                .containsExactly(at("2026-01-10T00:00:10Z"), at("2026-01-10T00:00:20Z"), at("2026-01-10T00:00:30Z"));
        assertThat(CronSchedule.parse("0 0 2 * * *", null).nextAfter(at("2026-01-10T02:00:00Z")))
                .contains(at("2026-01-11T02:00:00Z"));
    }

    @Test
    void namesLastNthAndNearestWeekday() {
        // Weekdays at 9:30: Friday 2026-01-09, then Monday the 12th.
        assertThat(CronSchedule.parse("0 30 9 * * MON-FRI", null).next(at("2026-01-09T09:00:00Z"), 2))
                .containsExactly(at("2026-01-09T09:30:00Z"), at("2026-01-12T09:30:00Z"));
        // The last Friday of January 2026 is the 30th.
        assertThat(CronSchedule.parse("0 12 * * 5L", null).nextAfter(at("2026-01-01T00:00:00Z")))
                .contains(at("2026-01-30T12:00:00Z"));
        // The second Friday of January 2026 is the 9th.
        assertThat(CronSchedule.parse("0 12 * * 5#2", null).nextAfter(at("2026-01-01T00:00:00Z")))
                .contains(at("2026-01-09T12:00:00Z"));
        // 2026-02-15 is a Sunday: the nearest weekday is Monday the 16th.
        assertThat(CronSchedule.parse("0 12 15W * *", null).nextAfter(at("2026-02-01T00:00:00Z")))
                .contains(at("2026-02-16T12:00:00Z"));
        // Sunday is 0 and 7.
        assertThat(CronSchedule.parse("0 12 * * 7", null).nextAfter(at("2026-01-01T00:00:00Z")))
                .isEqualTo(CronSchedule.parse("0 12 * * 0", null).nextAfter(at("2026-01-01T00:00:00Z")))
                .contains(at("2026-01-04T12:00:00Z"));
        assertThat(CronSchedule.parse("@daily", null).nextAfter(at("2026-01-01T10:00:00Z")))
                .contains(at("2026-01-02T00:00:00Z"));
    }

    @Test
    void aTimeZoneMovesTheWallClockTime() {
        var copenhagen = CronSchedule.parse("0 2 * * *", "Europe/Copenhagen");
        assertThat(copenhagen.nextAfter(at("2026-01-10T00:00:00Z"))).contains(at("2026-01-10T01:00:00Z")); // CET
        assertThat(copenhagen.nextAfter(at("2026-07-10T00:00:00Z"))).contains(at("2026-07-11T00:00:00Z")); // CEST
    }

    @Test
    void aTimeInTheSpringForwardGapFiresWhenTheGapEnds() {
        // America/New_York, 2026-03-08: 02:00 EST jumps to 03:00 EDT (07:00Z).
        var ny = CronSchedule.parse("*/15 2 * * *", "America/New_York");
        assertThat(ny.next(at("2026-03-08T06:50:00Z"), 2))
                .as("02:00, 02:15, 02:30 and 02:45 do not exist: one fire at 03:00 EDT, then the next night")
                .containsExactly(at("2026-03-08T07:00:00Z"), at("2026-03-09T06:00:00Z"));
    }

    @Test
    void aTimeInTheFallBackOverlapFiresOnce() {
        // America/New_York, 2026-11-01: 02:00 EDT goes back to 01:00 EST, so 01:30 happens twice.
        var ny = CronSchedule.parse("30 1 * * *", "America/New_York");
        assertThat(ny.next(at("2026-11-01T00:00:00Z"), 2))
                .containsExactly(at("2026-11-01T05:30:00Z"), at("2026-11-02T06:30:00Z"));
        assertThat(ny.nextAfter(at("2026-11-01T05:30:00Z"))).contains(at("2026-11-02T06:30:00Z"));
    }

    @Test
    void badExpressionsAndZonesAreRefusedWithTheReason() {
        assertThatThrownBy(() -> CronSchedule.parse("0 2 * *", null))
                .hasMessageContaining("has 4 fields (expected 5");
        assertThatThrownBy(() -> CronSchedule.parse("61 * * * *", null))
                .hasMessageContaining("'61 * * * *' is not a valid cron expression");
        assertThatThrownBy(() -> CronSchedule.parse("0 2 * * *", "Mars/Olympus"))
                .hasMessage("'timezone' 'Mars/Olympus' is not an IANA time zone name");
        assertThatThrownBy(() -> CronSchedule.parse(" ", null)).hasMessage("'cron' is required");
    }
}
