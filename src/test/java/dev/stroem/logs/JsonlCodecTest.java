package dev.stroem.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonlCodecTest {

    private final JsonlCodec codec = new JsonlCodec();
    private static final Instant ARRIVAL = Instant.parse("2030-01-01T00:00:00Z");

    @Test
    void writesFieldsInSpecOrderWithMillisecondUtcTimestamp() {
        LogLine line = new LogLine(Instant.parse("2025-02-12T10:56:45.123Z"), LogStream.STDOUT, "say-hello", "Hello World");
        assertThat(codec.encodeLine(line))
                .isEqualTo("{\"ts\":\"2025-02-12T10:56:45.123Z\",\"stream\":\"stdout\",\"step\":\"say-hello\",\"line\":\"Hello World\"}");
    }

    @Test
    void alwaysWritesThreeFractionDigits() {
        assertThat(codec.formatTimestamp(Instant.parse("2025-02-12T10:56:45Z"))).isEqualTo("2025-02-12T10:56:45.000Z");
        assertThat(codec.formatTimestamp(Instant.parse("2025-02-12T10:56:45.1Z"))).isEqualTo("2025-02-12T10:56:45.100Z");
        assertThat(codec.formatTimestamp(Instant.parse("2025-02-12T10:56:45.999999Z"))).isEqualTo("2025-02-12T10:56:45.999Z");
        // the per-second cache must not leak into the next second
        assertThat(codec.formatTimestamp(Instant.parse("2025-02-12T10:56:46.007Z"))).isEqualTo("2025-02-12T10:56:46.007Z");
    }

    @Test
    void encodesABatchAsOneLinePerObject() {
        byte[] bytes = codec.encode(List.of(
                new LogLine(Instant.EPOCH, LogStream.STDOUT, "a", "one"),
                new LogLine(Instant.EPOCH, LogStream.STDERR, "b", "two\nlines")));
        String text = new String(bytes, StandardCharsets.UTF_8);
        assertThat(text).endsWith("\n").hasLineCount(2);
        assertThat(text.split("\n")[1]).contains("\"stream\":\"stderr\"").contains("two\\nlines");
    }

    @Test
    void keepsValidProducerTimestampsNormalisedToUtcMillis() {
        assertThat(JsonlCodec.parseTimestamp("2025-02-12T10:56:45.123Z", ARRIVAL)).isEqualTo("2025-02-12T10:56:45.123Z");
        assertThat(JsonlCodec.parseTimestamp("2025-02-12T11:56:45.123456789+01:00", ARRIVAL))
                .isEqualTo("2025-02-12T10:56:45.123Z");
        assertThat(JsonlCodec.parseTimestamp("2025-02-12T05:26:45-05:30", ARRIVAL)).isEqualTo("2025-02-12T10:56:45Z");
        assertThat(JsonlCodec.parseTimestamp("2025-02-12T10:56:45.5Z", ARRIVAL)).isEqualTo("2025-02-12T10:56:45.500Z");
    }

    @Test
    void replacesMissingOrInvalidTimestampsWithArrivalTime() {
        assertThat(JsonlCodec.parseTimestamp(null, ARRIVAL)).isEqualTo(ARRIVAL);
        assertThat(JsonlCodec.parseTimestamp("", ARRIVAL)).isEqualTo(ARRIVAL);
        assertThat(JsonlCodec.parseTimestamp("yesterday", ARRIVAL)).isEqualTo(ARRIVAL);
        assertThat(JsonlCodec.parseTimestamp("2025-02-12 10:56:45", ARRIVAL)).isEqualTo(ARRIVAL);
        assertThat(JsonlCodec.parseTimestamp("2025-02-12T10:56:45", ARRIVAL)).as("no zone").isEqualTo(ARRIVAL);
        assertThat(JsonlCodec.parseTimestamp("2025-02-30T10:56:45.000Z", ARRIVAL)).isEqualTo(ARRIVAL);
        assertThat(JsonlCodec.parseTimestamp("2025-13-01T10:56:45.000Z", ARRIVAL)).isEqualTo(ARRIVAL);
        assertThat(JsonlCodec.parseTimestamp("+12025-01-01T10:56:45.000Z", ARRIVAL)).isEqualTo(ARRIVAL);
    }

    @Test
    void oddTextRoundTrips() {
        String odd = "quote \" backslash \\ tab \t nul \0 bell \u0007 del \u007f cr \r nl \n emoji 😀🎉 "
                + "é ü ß 中文 \u2028 end";
        LogLine line = new LogLine(Instant.parse("2025-02-12T10:56:45.123Z"), LogStream.STDERR, "s", odd);
        String json = codec.encodeLine(line);
        assertThat(json).doesNotContain("\n").doesNotContain("\r").contains("😀");
        assertThat(codec.decode(json)).isEqualTo(line);
    }

    @Test
    void loneSurrogatesBecomeReplacementCharacters() {
        LogLine line = new LogLine(Instant.EPOCH, LogStream.STDOUT, "s", "a\uD800b\uDC00c");
        String json = codec.encodeLine(line);
        assertThat(codec.decode(json).line()).isEqualTo("a\uFFFDb\uFFFDc");
        byte[] stored = codec.encode(List.of(line));
        assertThatCode(() -> StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                .decode(java.nio.ByteBuffer.wrap(stored))).doesNotThrowAnyException();
    }

    @Test
    void decodesFieldsInAnyOrderAndIgnoresExtras() {
        LogLine line = codec.decode("{\"extra\":{\"nested\":[1,2]},\"line\":\"hi\",\"step\":\"build\","
                + "\"n\":5,\"stream\":\"stderr\",\"ts\":\"2025-02-12T10:56:45.123Z\"}");
        assertThat(line).isEqualTo(new LogLine(Instant.parse("2025-02-12T10:56:45.123Z"), LogStream.STDERR, "build", "hi"));
    }

    @Test
    void nestedValuesNeverPassForTopLevelFields() {
        String json = "{\"meta\":{\"step\":\"fake\",\"line\":\"fake\"},\"step\":{\"step\":\"nested\"},"
                + "\"ts\":\"2025-02-12T10:56:45.123Z\",\"stream\":\"stdout\",\"line\":\"real\"}";
        LogLine line = codec.decode(json);
        assertThat(line.line()).isEqualTo("real");
        assertThat(line.step()).isEmpty();
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        assertThat(codec.header(b, 0, b.length).step()).isNull();
    }

    @Test
    void rejectsTextThatIsNoLogLine() {
        assertThatThrownBy(() -> codec.decode("not json")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> codec.decode("[1,2]")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> codec.decode("{\"ts\":\"2025-02-12T10:56:45.123Z\"}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line");
    }

    @Test
    void headerReadsDecodedFieldsNotRawText() {
        byte[] b = codec.encode(List.of(new LogLine(Instant.EPOCH, LogStream.STDOUT, "say-hello",
                "\"step\":\"say\"")));
        JsonlCodec.Header h = codec.header(b, 0, b.length - 1);
        assertThat(h.step()).isEqualTo("say-hello");
        assertThat(h.stream()).isEqualTo("stdout");
        assertThat(codec.header("garbage".getBytes(StandardCharsets.UTF_8), 0, 7)).isNull();
    }
}
