package dev.stroem.workflow;

import com.cronutils.model.Cron;
import com.cronutils.model.definition.CronDefinition;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A scheduler trigger's cron expression in its time zone, parsed by cron-utils. Five fields
 * (minute granularity) or six (seconds first), with {@code L}, {@code W}, {@code #}, {@code ?}, month
 * and day names and the {@code @daily}-style nicknames; day-of-week 0 and 7 are both Sunday. When
 * both day-of-month and day-of-week are restricted, either matching is enough (as Vixie cron and
 * the original's croner do).
 *
 * <p>Daylight saving time as the original documents it: a fire time that falls into a
 * spring-forward gap fires at the first valid instant after the gap; a fire time in a fall-back
 * overlap fires once, at its first occurrence.
 *
 * @param expression as written in the workflow file
 * @param zone the zone the expression is read in (UTC unless {@code timezone} says otherwise)
 */
public record CronSchedule(String expression, ZoneId zone, ExecutionTime execution) {

    private static final CronDefinition DEFINITION = CronDefinitionBuilder.defineCron()
            .withSeconds().and()
            .withMinutes().and()
            .withHours().and()
            .withDayOfMonth().supportsL().supportsW().supportsLW().supportsQuestionMark().and()
            .withMonth().and()
            .withDayOfWeek().withValidRange(0, 7).withMondayDoWValue(1).withIntMapping(7, 0)
                    .supportsHash().supportsL().supportsQuestionMark().and()
            .withSupportedNicknameYearly()
            .withSupportedNicknameAnnually()
            .withSupportedNicknameMonthly()
            .withSupportedNicknameWeekly()
            .withSupportedNicknameDaily()
            .withSupportedNicknameMidnight()
            .withSupportedNicknameHourly()
            .instance();
    private static final CronParser PARSER = new CronParser(DEFINITION);
    /** Bounds the search past DST overlaps; a real schedule needs one or two steps. */
    private static final int MAX_STEPS = 10_000;

    /**
     * @param timezone IANA zone name, or null for UTC
     * @throws IllegalArgumentException with a sentence naming what is wrong
     */
    public static CronSchedule parse(String expression, String timezone) {
        if (expression == null || expression.isBlank()) {
            throw new IllegalArgumentException("'cron' is required");
        }
        ZoneId zone;
        try {
            zone = timezone == null ? ZoneOffset.UTC : ZoneId.of(timezone);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("'timezone' " + quoted(timezone) + " is not an IANA time zone name");
        }
        String trimmed = expression.trim();
        int fields = trimmed.startsWith("@") ? 0 : trimmed.split("\\s+").length;
        if (fields != 0 && fields != 5 && fields != 6) {
            throw new IllegalArgumentException("'cron' " + quoted(expression) + " has " + fields
                    + " fields (expected 5: minute hour day month weekday, or 6 with seconds first)");
        }
        Cron cron;
        try {
            // Five fields mean second 0 of each matching minute.
            cron = PARSER.parse(fields == 5 ? "0 " + trimmed : trimmed);
            cron.validate();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'cron' " + quoted(expression) + " is not a valid cron expression: "
                    + e.getMessage());
        }
        var execution = ExecutionTime.forCron(cron);
        var schedule = new CronSchedule(expression, zone, execution);
        if (schedule.nextAfter(Instant.EPOCH).isEmpty()) {
            throw new IllegalArgumentException("'cron' " + quoted(expression) + " never fires");
        }
        return schedule;
    }

    /** The first fire time strictly after {@code after}; empty when the expression never fires again. */
    public Optional<Instant> nextAfter(Instant after) {
        // Matched on wall-clock time (computed in UTC, which has no DST), then placed in the zone.
        LocalDateTime local = LocalDateTime.ofInstant(after, zone);
        for (int i = 0; i < MAX_STEPS; i++) {
            Optional<ZonedDateTime> next = execution.nextExecution(local.atZone(ZoneOffset.UTC));
            if (next.isEmpty()) {
                return Optional.empty();
            }
            local = next.get().toLocalDateTime();
            Instant candidate = place(local);
            // A time already passed: the second occurrence of an overlap, or another time in a gap.
            if (candidate.isAfter(after)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** The next {@code count} fire times after {@code after}. */
    public List<Instant> next(Instant after, int count) {
        var out = new ArrayList<Instant>(count);
        Instant from = after;
        while (out.size() < count) {
            var next = nextAfter(from);
            if (next.isEmpty()) {
                break;
            }
            out.add(next.get());
            from = next.get();
        }
        return out;
    }

    /** Whether {@code other} schedules the same times (same expression and zone). */
    public boolean sameAs(String otherExpression, String otherZone) {
        return expression.equals(otherExpression) && zone.getId().equals(otherZone);
    }

    private Instant place(LocalDateTime local) {
        var rules = zone.getRules();
        if (rules.getValidOffsets(local).isEmpty()) {
            return rules.getTransition(local).getInstant(); // in a gap: the first instant after it
        }
        return ZonedDateTime.ofLocal(local, zone, null).toInstant(); // in an overlap: the earlier offset
    }

    private static String quoted(String value) {
        return "'" + value + "'";
    }
}
