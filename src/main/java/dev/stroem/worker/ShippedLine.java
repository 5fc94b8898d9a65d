package dev.stroem.worker;

import dev.stroem.logs.LogLine;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * One line as the worker API carries it: {@code {"ts","stream","line"}}, the step being named once
 * per batch. {@code ts} is UTC ISO 8601 with milliseconds, formatted once when the line is taken in.
 */
public record ShippedLine(String ts, String stream, String line) {

    private static final DateTimeFormatter TS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    public static ShippedLine of(LogLine line) {
        return new ShippedLine(TS.format(line.ts()), line.stream().wireName(), line.line());
    }

    /** What this line weighs in a batch: its UTF-8 size plus the JSON around it. */
    long weight() {
        return Utf8.length(line) + 48;
    }
}
