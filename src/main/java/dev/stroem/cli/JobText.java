package dev.stroem.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** How jobs' times, durations and absent values read in the CLI's tables: local time, short durations, "-". */
final class JobText {
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneId.systemDefault());

    private JobText() {}

    /** An API timestamp in local time, "-" when absent. */
    static String time(JsonNode iso) {
        if (iso == null || iso.isNull() || iso.isMissingNode() || iso.asText().isEmpty()) {
            return "-";
        }
        try {
            return LOCAL.format(Instant.parse(iso.asText()));
        } catch (DateTimeParseException e) {
            return iso.asText();
        }
    }

    /** {@code duration_secs} as "850ms", "12.3s", "4m05s" or "2h03m", "-" when absent. */
    static String duration(JsonNode secs) {
        if (secs == null || !secs.isNumber()) {
            return "-";
        }
        double s = secs.asDouble();
        if (s < 1) {
            return Math.round(s * 1000) + "ms";
        }
        if (s < 60) {
            return String.format(Locale.ROOT, "%.1fs", s);
        }
        long whole = Math.round(s);
        if (whole < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", whole / 60, whole % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", whole / 3600, whole % 3600 / 60);
    }

    /** A text field, "-" when absent or empty. */
    static String text(JsonNode value) {
        return value == null || value.isNull() || value.isMissingNode() || value.asText().isEmpty() ? "-" : value.asText();
    }
}
