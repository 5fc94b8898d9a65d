package dev.stroem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZoneId;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LogLineFormatterTest {

    private static final String STDOUT = "{\"ts\":\"2026-02-12T10:56:45.123Z\",\"stream\":\"stdout\",\"step\":\"say-hello\",\"line\":\"Hello World\"}";
    private static final String STDERR = "{\"ts\":\"2026-02-12T10:56:46.007Z\",\"stream\":\"stderr\",\"step\":\"build\",\"line\":\"boom\"}";

    @Test
    void aStdoutLineReadsAsTimeStepBarLineInTheGivenZone() {
        var formatter = new LogLineFormatter(ZoneId.of("Europe/Oslo"), false);

        assertThat(formatter.format(STDOUT)).isEqualTo("11:56:45.123 say-hello | Hello World");
    }

    @Test
    void aStderrLineIsMarkedWithAnExclamationMark() {
        var formatter = new LogLineFormatter(ZoneId.of("UTC"), false);

        assertThat(formatter.format(STDERR)).isEqualTo("10:56:46.007 build ! boom");
    }

    @Test
    void withColourStderrIsRedAndStdoutIsNot() {
        var formatter = new LogLineFormatter(ZoneId.of("UTC"), true);

        assertThat(formatter.format(STDERR)).contains("\u001b[31m! boom\u001b[0m");
        assertThat(formatter.format(STDOUT)).endsWith("say-hello | Hello World").doesNotContain("\u001b[31m");
    }

    @Test
    void aLineThatIsNotJsonIsShownAsItIs() {
        var formatter = new LogLineFormatter(ZoneId.of("UTC"), false);

        assertThat(formatter.format("plain text from a legacy log")).isEqualTo("plain text from a legacy log");
    }

    @Test
    void noColourWhenNoColorIsSetOrThereIsNoTerminal() {
        assertThat(LogLineFormatter.colourWanted(Map.of("NO_COLOR", "1"))).isFalse();
        // Tests run without a terminal on stdout.
        assertThat(LogLineFormatter.colourWanted(Map.of())).isFalse();
    }
}
