package dev.stroem.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineSplitterTest {

    private static List<String> split(LineSplitter splitter, byte[] bytes) throws IOException {
        var lines = new ArrayList<String>();
        splitter.split(new ByteArrayInputStream(bytes), lines::add);
        return lines;
    }

    private static List<String> split(String text) throws IOException {
        return split(new LineSplitter(), text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void keepsEmptyLinesAndTheLastLineWithoutNewline() throws IOException {
        assertThat(split("a\n\nb\nlast")).containsExactly("a", "", "b", "last");
        assertThat(split("a\n")).containsExactly("a");
        assertThat(split("")).isEmpty();
    }

    @Test
    void aCarriageReturnBeforeTheNewlineBelongsToTheLineBreak() throws IOException {
        assertThat(split("dos\r\nprogress\r50%\n")).containsExactly("dos", "progress\r50%");
    }

    @Test
    void invalidBytesBecomeReplacementCharacters() throws IOException {
        byte[] bytes = {'a', (byte) 0xff, (byte) 0xfe, 'b', '\n', (byte) 0xe2, '\n', 'c', (byte) 0xe2, (byte) 0x82};
        assertThat(split(new LineSplitter(), bytes)).containsExactly("a\uFFFD\uFFFDb", "\uFFFD", "c\uFFFD");
    }

    @Test
    void aLongLineIsCutOnCharacterBoundariesWithMarkedContinuations() throws IOException {
        var splitter = new LineSplitter(16);
        // 11 two-byte characters: 22 bytes.
        List<String> pieces = split(splitter, "ééééééééééé\nnext\n".getBytes(StandardCharsets.UTF_8));

        assertThat(pieces).containsExactly("éééééééé", "↪ ééé", "next");
        assertThat(pieces).allSatisfy(p -> assertThat(p.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(16));
    }

    @Test
    void aSurrogatePairIsNeverSplit() throws IOException {
        var splitter = new LineSplitter(10);
        // "abcdefg" is 7 bytes; the emoji (4 bytes) does not fit after it.
        List<String> pieces = split(splitter, "abcdefg😀😀\n".getBytes(StandardCharsets.UTF_8));

        assertThat(pieces).containsExactly("abcdefg", "↪ 😀", "↪ 😀");
    }

    @Test
    void aLineOfExactlyTheLimitStaysWhole() throws IOException {
        String line = "x".repeat(LineSplitter.MAX_LINE_BYTES);
        assertThat(split(line + "\n")).containsExactly(line);
    }
}
