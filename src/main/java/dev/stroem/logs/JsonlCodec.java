package dev.stroem.logs;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;

/**
 * The JSONL form of log lines: one JSON object per line, fields in the order
 * {@code ts, stream, step, line}, {@code ts} as UTC ISO 8601 with milliseconds and {@code Z}
 * ({@code 2025-02-12T10:56:45.123Z}), non-ASCII text as UTF-8. Encoding and decoding go through
 * Jackson's streaming API; decoding accepts the fields in any order and ignores extra fields.
 *
 * <p>Thread-safe; one instance is meant to be shared.
 */
public final class JsonlCodec {

    private static final DateTimeFormatter SECOND_PREFIX =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.").withZone(ZoneOffset.UTC);
    private static final long MIN_EPOCH_MS = Instant.parse("0000-01-01T00:00:00Z").toEpochMilli();
    private static final long MAX_EPOCH_MS = Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli();

    private static final int TS_LENGTH = 32;
    private static final SerializedString TS = new SerializedString("ts");
    private static final SerializedString STREAM = new SerializedString("stream");
    private static final SerializedString STEP = new SerializedString("step");
    private static final SerializedString LINE = new SerializedString("line");
    private static final SerializedString STDOUT = new SerializedString(LogStream.STDOUT.wireName());
    private static final SerializedString STDERR = new SerializedString(LogStream.STDERR.wireName());

    private final JsonFactory factory = JsonFactory.builder()
            // Emoji as 4-byte UTF-8 rather than escaped surrogate pairs.
            .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
            .build();

    /** Lines of one batch usually share their second; formatting it once per second is the hot path. */
    private volatile SecondPrefix lastSecond = new SecondPrefix(Long.MIN_VALUE, "");

    private record SecondPrefix(long epochSecond, String text) {}

    /** Fields of a stored line that reads filter and merge on, without decoding its text. */
    record Header(String ts, String stream, String step) {}

    /** The JSONL bytes of {@code lines}: each line's object followed by {@code \n}. */
    public byte[] encode(List<LogLine> lines) {
        Encoded e = encodeBatch(lines, false);
        return e.length() == e.buffer().length ? e.buffer() : Arrays.copyOf(e.buffer(), e.length());
    }

    /** Encoded JSONL in {@code buffer[0, length)}; the buffer may be longer (saves a copy on the append path). */
    record Encoded(byte[] buffer, int length) {}

    /** @param wellFormed whether the texts are known to be well-formed UTF-16 already ({@link LineNormalizer}'s output) */
    Encoded encodeBatch(List<LogLine> lines, boolean wellFormed) {
        Buffer out = new Buffer(Math.max(256, lines.size() * 160));
        try {
            encodeTo(lines, out, wellFormed);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // cannot happen with a byte array
        }
        return new Encoded(out.array(), out.size());
    }

    /** Writes the JSONL of {@code lines} (each followed by {@code \n}) to {@code out}; does not close it. */
    public void encodeTo(List<LogLine> lines, OutputStream out) throws IOException {
        encodeTo(lines, out, false);
    }

    private void encodeTo(List<LogLine> lines, OutputStream out, boolean wellFormed) throws IOException {
        char[] ts = new char[TS_LENGTH];
        try (JsonGenerator gen = factory.createGenerator(out)) {
            gen.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            gen.setRootValueSeparator(null);
            for (LogLine line : lines) {
                gen.writeStartObject();
                gen.writeFieldName(TS);
                int n = formatTimestamp(line.ts(), ts);
                gen.writeString(ts, 0, n);
                gen.writeFieldName(STREAM);
                gen.writeString(line.stream() == LogStream.STDOUT ? STDOUT : STDERR);
                gen.writeFieldName(STEP);
                gen.writeString(wellFormed ? line.step() : LineNormalizer.wellFormed(line.step()));
                gen.writeFieldName(LINE);
                gen.writeString(wellFormed ? line.line() : LineNormalizer.wellFormed(line.line()));
                gen.writeEndObject();
                gen.writeRaw('\n');
            }
        }
    }

    /** A byte array output stream that hands out its array instead of copying it. */
    private static final class Buffer extends ByteArrayOutputStream {
        Buffer(int size) {
            super(size);
        }

        byte[] array() {
            return buf;
        }
    }

    /** One line's JSON object, without the trailing newline. */
    public String encodeLine(LogLine line) {
        byte[] bytes = encode(List.of(line));
        return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
    }

    /**
     * Decodes one JSON object. Fields may come in any order and extra fields are ignored; a
     * missing {@code stream} reads as stdout, a missing {@code step} as {@code ""}, a missing or
     * invalid {@code ts} as the epoch.
     *
     * @throws IllegalArgumentException when the text is not a JSON object with a {@code line} field
     */
    public LogLine decode(String json) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        return decode(bytes, 0, bytes.length);
    }

    /** {@link #decode(String)} over UTF-8 bytes. */
    public LogLine decode(byte[] buf, int off, int len) {
        String ts = null;
        String stream = null;
        String step = null;
        String text = null;
        try (JsonParser p = factory.createParser(buf, off, len)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("log line is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                String scalar = value.isScalarValue() && value != JsonToken.VALUE_NULL ? p.getValueAsString() : null;
                p.skipChildren(); // an object or array where a string belongs counts as absent
                switch (name) {
                    case "ts" -> ts = scalar;
                    case "stream" -> stream = scalar;
                    case "step" -> step = scalar;
                    case "line" -> text = scalar;
                    default -> { }
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("log line is not valid JSON: " + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()), e);
        }
        if (text == null) {
            throw new IllegalArgumentException("log line has no \"line\" field");
        }
        return new LogLine(parseTimestamp(ts, Instant.EPOCH),
                LogStream.fromWireName(stream).orElse(LogStream.STDOUT),
                step == null ? "" : step, text);
    }

    /**
     * The {@code ts}, {@code stream} and {@code step} of a stored line, stopping before the text
     * when the fields come in the standard order; null when the bytes are not a JSON object.
     */
    Header header(byte[] buf, int off, int len) {
        String ts = null;
        String stream = null;
        String step = null;
        try (JsonParser p = factory.createParser(buf, off, len)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "ts" -> ts = value.isScalarValue() ? p.getValueAsString() : null;
                    case "stream" -> stream = value.isScalarValue() ? p.getValueAsString() : null;
                    case "step" -> step = value.isScalarValue() ? p.getValueAsString() : null;
                    default -> { }
                }
                p.skipChildren();
                if (ts != null && stream != null && step != null) {
                    return new Header(ts, stream, step);
                }
            }
            if (t != JsonToken.END_OBJECT) {
                return null;
            }
        } catch (IOException e) {
            return null;
        }
        return new Header(ts, stream, step);
    }

    /** {@code ts} in the stored form: UTC, exactly three fraction digits, {@code Z}. */
    public String formatTimestamp(Instant ts) {
        char[] out = new char[TS_LENGTH];
        return new String(out, 0, formatTimestamp(ts, out));
    }

    /** Writes the stored form of {@code ts} into {@code out} (room for any Instant); returns its length, 24 for years 0000–9999. */
    private int formatTimestamp(Instant ts, char[] out) {
        long ms = ts.toEpochMilli();
        long second = Math.floorDiv(ms, 1000);
        int milli = Math.floorMod(ms, 1000);
        SecondPrefix prefix = lastSecond;
        if (prefix.epochSecond() != second) {
            prefix = new SecondPrefix(second, SECOND_PREFIX.format(Instant.ofEpochSecond(second)));
            lastSecond = prefix;
        }
        String p = prefix.text();
        int n = p.length();
        p.getChars(0, n, out, 0);
        out[n] = (char) ('0' + milli / 100);
        out[n + 1] = (char) ('0' + milli / 10 % 10);
        out[n + 2] = (char) ('0' + milli % 10);
        out[n + 3] = 'Z';
        return n + 4;
    }

    /**
     * A producer's timestamp: a valid ISO 8601 instant with {@code Z} or an offset and any number
     * of fraction digits (e.g. {@code 2025-02-12T11:56:45.123456+01:00}) is kept, converted to UTC
     * and truncated to the millisecond; anything else (missing, malformed, outside years
     * 0000–9999) gives {@code fallback}, normally the arrival time.
     */
    public static Instant parseTimestamp(String text, Instant fallback) {
        if (text == null || text.isEmpty()) {
            return fallback;
        }
        long canonical = parseCanonical(text);
        if (canonical != Long.MIN_VALUE) {
            return Instant.ofEpochMilli(canonical);
        }
        try {
            Instant instant = OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant()
                    .truncatedTo(ChronoUnit.MILLIS);
            long ms = instant.toEpochMilli();
            return ms < MIN_EPOCH_MS || ms > MAX_EPOCH_MS ? fallback : instant;
        } catch (DateTimeException | ArithmeticException e) {
            return fallback;
        }
    }

    /** Epoch milliseconds of a stored timestamp, or {@code Long.MIN_VALUE} when {@code ts} is not a valid timestamp. */
    static long epochMillis(String ts) {
        long canonical = parseCanonical(ts);
        if (canonical != Long.MIN_VALUE) {
            return canonical;
        }
        Instant parsed = parseTimestamp(ts, null);
        return parsed == null ? Long.MIN_VALUE : parsed.toEpochMilli();
    }

    /** Fast path for the stored form {@code yyyy-MM-ddTHH:mm:ss.SSSZ}; {@code Long.MIN_VALUE} when it is not that form. */
    private static long parseCanonical(String s) {
        if (s == null || s.length() != 24 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T'
                || s.charAt(13) != ':' || s.charAt(16) != ':' || s.charAt(19) != '.' || s.charAt(23) != 'Z') {
            return Long.MIN_VALUE;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        int second = digits(s, 17, 2);
        int milli = digits(s, 20, 3);
        if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59
                || second < 0 || second > 59 || milli < 0) {
            return Long.MIN_VALUE;
        }
        try {
            long epochDay = LocalDate.of(year, month, day).toEpochDay();
            return ((epochDay * 86_400 + hour * 3600L + minute * 60L + second) * 1000) + milli;
        } catch (DateTimeException e) {
            return Long.MIN_VALUE;
        }
    }

    private static int digits(String s, int from, int count) {
        int v = 0;
        for (int i = from; i < from + count; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
