package dev.stroem.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonFactory;
import dev.stroem.logs.LogLine;
import dev.stroem.logs.LogStream;
import io.javalin.http.BadRequestResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LogBatchParserTest {
    private static final Instant ARRIVAL = Instant.parse("2026-01-01T00:00:00.000Z");

    private final LogBatchParser parser = new LogBatchParser(new JsonFactory());

    private LogBatchParser.Batch parse(String json) {
        return parser.parse(json.getBytes(StandardCharsets.UTF_8), ARRIVAL);
    }

    @Test
    void readsEveryLineWithItsOwnTimestampStreamAndTheBatchStep() {
        var batch = parse("""
                {"step_name":"build","batch_id":"b-1","lines":[
                  {"ts":"2025-02-12T10:56:45.123Z","stream":"stdout","line":"one"},
                  {"ts":"2025-02-12T10:56:45.123Z","stream":"stderr","line":"two"},
                  {"ts":"2025-02-12T10:56:46.000Z","line":"héllo"},
                  {"ts":12345,"line":"numeric ts"},
                  {"line":"no ts","ts":null,"stream":null}]}""");

        assertThat(batch.stepName()).isEqualTo("build");
        assertThat(batch.batchId()).isEqualTo("b-1");
        assertThat(batch.lines()).containsExactly(
                new LogLine(Instant.parse("2025-02-12T10:56:45.123Z"), LogStream.STDOUT, "build", "one"),
                new LogLine(Instant.parse("2025-02-12T10:56:45.123Z"), LogStream.STDERR, "build", "two"),
                new LogLine(Instant.parse("2025-02-12T10:56:46.000Z"), LogStream.STDOUT, "build", "héllo"),
                new LogLine(ARRIVAL, LogStream.STDOUT, "build", "numeric ts"),
                new LogLine(ARRIVAL, LogStream.STDOUT, "build", "no ts"));
        assertThat(batch.textBytes()).isEqualTo(3 + 3 + 6 + 10 + 5);
    }

    @Test
    void namesTheFieldOfEveryProblem() {
        assertProblem("", "request body is empty");
        assertProblem("[]", "request body: expected an object");
        assertProblem("{\"step_name\":\"s\",\"lines\":[", "request body is not valid JSON");
        assertProblem("{\"lines\":[]}", "step_name: required");
        assertProblem("{\"step_name\":\" \",\"lines\":[]}", "step_name: required");
        assertProblem("{\"step_name\":5,\"lines\":[]}", "step_name: expected a string");
        assertProblem("{\"step_name\":\"s\"}", "lines: required");
        assertProblem("{\"step_name\":\"s\",\"lines\":{}}", "lines: expected a list");
        assertProblem("{\"step_name\":\"s\",\"lines\":[null]}", "lines[0]: expected an object");
        assertProblem("{\"step_name\":\"s\",\"lines\":[{\"line\":\"a\"},{\"stream\":\"stdout\"}]}", "lines[1].line: required");
        assertProblem("{\"step_name\":\"s\",\"lines\":[{\"line\":[\"a\"]}]}", "lines[0].line: expected a string");
        assertProblem("{\"step_name\":\"s\",\"lines\":[{\"line\":\"a\",\"stream\":\"stdlog\"}]}",
                "lines[0].stream: must be \"stdout\" or \"stderr\", got \"stdlog\"");
        assertProblem("{\"step_name\":\"s\",\"lines\":[{\"line\":\"a\",\"colour\":\"red\"}]}", "lines[0].colour: unknown field");
        assertProblem("{\"step_name\":\"s\",\"lines\":[],\"extra\":1}", "extra: unknown field");
    }

    private void assertProblem(String json, String message) {
        assertThatThrownBy(() -> parse(json)).isInstanceOf(BadRequestResponse.class).hasMessageStartingWith(message);
    }
}
