package dev.stroem.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class LineNormalizerTest {

    private final LineNormalizer normalizer = new LineNormalizer();

    @Test
    void shortLinesStayAsTheyAre() {
        LogLine line = new LogLine(Instant.parse("2025-01-01T00:00:00.123Z"), LogStream.STDOUT, "s", "hello");
        assertThat(normalizer.normalize(line)).containsExactly(line);
    }

    @Test
    void timestampsAreTruncatedToMilliseconds() {
        LogLine line = new LogLine(Instant.parse("2025-01-01T00:00:00.123456Z"), LogStream.STDOUT, "s", "x");
        assertThat(normalizer.normalize(line).get(0).ts()).isEqualTo("2025-01-01T00:00:00.123Z");
    }

    @Test
    void oneMegabyteLineIsSplitWithMarkersAndNothingLost() {
        StringBuilder sb = new StringBuilder();
        String[] pieces = {"a", "é", "中", "😀", "\"", "\\", "\u0001"};
        for (int i = 0; sb.length() < 1_000_000; i++) {
            sb.append(pieces[i % pieces.length]);
        }
        String text = sb.toString();
        LogLine line = new LogLine(Instant.EPOCH, LogStream.STDOUT, "big", text);

        List<LogLine> out = normalizer.normalize(line);

        assertThat(out.size()).isGreaterThan(1);
        for (int i = 0; i < out.size(); i++) {
            String piece = out.get(i).line();
            assertThat(piece.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(LineNormalizer.MAX_LINE_BYTES);
            assertThat(piece.startsWith(LineNormalizer.CONTINUATION_MARKER)).isEqualTo(i > 0);
            assertThat(out.get(i).step()).isEqualTo("big");
            // a split never cuts a surrogate pair
            assertThat(LineNormalizer.wellFormed(piece)).isSameAs(piece);
        }
        String joined = out.stream()
                .map(l -> l.line().startsWith(LineNormalizer.CONTINUATION_MARKER)
                        ? l.line().substring(LineNormalizer.CONTINUATION_MARKER.length()) : l.line())
                .collect(Collectors.joining());
        assertThat(joined).isEqualTo(text);
    }

    @Test
    void lineOfExactlyTheMaximumIsNotSplit() {
        String text = "x".repeat(LineNormalizer.MAX_LINE_BYTES);
        assertThat(normalizer.normalize(new LogLine(Instant.EPOCH, LogStream.STDOUT, "s", text))).hasSize(1);
        assertThat(normalizer.normalize(new LogLine(Instant.EPOCH, LogStream.STDOUT, "s", text + "y"))).hasSize(2);
    }
}
