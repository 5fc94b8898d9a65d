package dev.stroem.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonlLinesTest {
    private final JsonlCodec codec = new JsonlCodec();

    @Test
    void readsAsTheLinesTheBufferWasEncodedFrom() {
        var lines = List.of(
                new LogLine(Instant.parse("2026-12-02T10:00:00.123Z"), LogStream.STDOUT, "build", "hello"),
                new LogLine(Instant.parse("2026-12-02T10:00:01Z"), LogStream.STDERR, "build", "wörld \"quoted\"\tand tab"),
                new LogLine(Instant.parse("2026-12-02T10:00:02Z"), LogStream.STDOUT, "deploy", ""));
        byte[] jsonl = codec.encode(lines);

        var read = new JsonlLines(codec, jsonl);

        assertThat(read).hasSize(3).containsExactlyElementsOf(lines);
        assertThat(read.subList(1, 3)).containsExactlyElementsOf(lines.subList(1, 3));
        assertThat(read.get(1)).isSameAs(read.get(1)); // decoded once
    }

    @Test
    void refusesABufferWhoseLastLineIsNotWhole() {
        byte[] cut = "{\"line\":\"a\"}\n{\"line\":\"b\"}".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> new JsonlLines(codec, cut)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new JsonlLines(codec, new byte[0])).isInstanceOf(IllegalArgumentException.class);
    }
}
