package dev.stroem.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stroem.logs.LogLine;
import dev.stroem.logs.LogStream;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class StateLinesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static LogLine out(String text) {
        return new LogLine(Instant.EPOCH, LogStream.STDOUT, "s", text);
    }

    @Test
    void stateLinesAreDeepMergedInOrderAndOtherLinesIgnored() throws Exception {
        var lines = new StateLines();
        lines.accept(out("STATE: {\"cursor\": \"page-1\", \"total_pages\": 50, \"meta\": {\"a\": 1, \"b\": 2}}"));
        lines.accept(out("STATE: {\"cursor\": \"page-2\", \"meta\": {\"b\": 3}}"));
        lines.accept(out("STATE: not json"));
        lines.accept(out("STATE: [1, 2]"));
        lines.accept(new LogLine(Instant.EPOCH, LogStream.STDERR, "s", "STATE: {\"cursor\": \"stderr\"}"));
        lines.accept(out("GLOBAL_STATE: {\"region\": \"eu\"}"));

        assertThat(lines.task()).isEqualTo(JSON.readTree(
                "{\"cursor\": \"page-2\", \"total_pages\": 50, \"meta\": {\"a\": 1, \"b\": 3}}"));
        assertThat(lines.global()).isEqualTo(JSON.readTree("{\"region\": \"eu\"}"));
    }

    @Test
    void aStepThatPrintsNoStateHasNone() {
        var lines = new StateLines();
        lines.accept(out("OUTPUT: {\"x\": 1}"));
        assertThat(lines.task()).isNull();
        assertThat(lines.global()).isNull();
    }
}
