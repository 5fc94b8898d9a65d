package dev.stroem.logs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Builders and readers shared by the log engine's tests. */
final class TestLines {

    static final Instant T0 = Instant.parse("2025-02-12T10:56:45.000Z");

    private TestLines() {}

    static LogLine out(String step, String text) {
        return new LogLine(T0, LogStream.STDOUT, step, text);
    }

    static LogLine at(long plusMillis, LogStream stream, String step, String text) {
        return new LogLine(T0.plusMillis(plusMillis), stream, step, text);
    }

    static List<LogLine> batch(String step, String prefix, int n) {
        List<LogLine> lines = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            lines.add(out(step, prefix + i));
        }
        return lines;
    }

    /** All records of a cursor, closing it. */
    static List<LogRecord> drain(LogCursor cursor) {
        try (cursor) {
            List<LogRecord> out = new ArrayList<>();
            cursor.forEachRemaining(out::add);
            return out;
        }
    }

    static List<String> texts(List<LogRecord> records, JsonlCodec codec) {
        return records.stream().map(r -> codec.decode(r.text()).line()).toList();
    }

    static List<String> fileLines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
