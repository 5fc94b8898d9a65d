package dev.stroem.web;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.stroem.logs.JsonlCodec;
import dev.stroem.logs.LogLine;
import dev.stroem.logs.LogStream;
import io.javalin.http.BadRequestResponse;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a worker's log batch ({@code {"step_name","batch_id","lines":[{"ts","stream","line"}]}})
 * straight from the request bytes into {@link LogLine}s with Jackson's streaming parser: the
 * ingest hot path, so no intermediate objects per line. Every problem is a 400 whose sentence
 * names the field ({@code lines[3].stream: must be "stdout" or "stderr", got "stdlog"}).
 */
final class LogBatchParser {

    /** A parsed batch; {@code textBytes} is the UTF-8 size of the lines' text. */
    record Batch(String stepName, String batchId, List<LogLine> lines, long textBytes) {}

    private final JsonFactory factory;

    LogBatchParser(JsonFactory factory) {
        this.factory = factory;
    }

    /**
     * @param now the arrival time, for lines without a valid {@code ts}
     * @throws BadRequestResponse naming the field of the first problem
     */
    Batch parse(byte[] body, Instant now) {
        if (body.length == 0) {
            throw new BadRequestResponse("request body is empty: a JSON object is expected");
        }
        try (JsonParser p = factory.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new BadRequestResponse("request body: expected an object");
            }
            return batch(p, "", null, now);
        } catch (JsonProcessingException e) {
            throw RequestBodies.notJson(e);
        } catch (IOException e) {
            throw new BadRequestResponse("request body could not be read: " + e.getMessage());
        }
    }

    /**
     * The {@code logs} of a completion ({@code {"batch_id","lines"}}, the step being the one that
     * completes; a {@code step_name} given must name it): the step's last batch, sent with its
     * completion. Fields in errors are named {@code logs.…}.
     */
    Batch parseCompletionLogs(com.fasterxml.jackson.databind.JsonNode logs, String stepName, Instant now) {
        if (!logs.isObject()) {
            throw new BadRequestResponse("logs: expected an object");
        }
        try (JsonParser p = logs.traverse()) {
            p.nextToken();
            var batch = batch(p, "logs.", stepName, now);
            if (!batch.stepName().equals(stepName)) {
                throw new BadRequestResponse("logs.step_name: must be the completing step \"" + stepName + "\"");
            }
            return batch;
        } catch (IOException e) {
            throw new BadRequestResponse("logs could not be read: " + e.getMessage());
        }
    }

    /** The fields of a batch object, the parser on its START_OBJECT; {@code prefix} goes before field names in errors. */
    private static Batch batch(JsonParser p, String prefix, String defaultStep, Instant now) throws IOException {
        String stepName = defaultStep;
        String batchId = null;
        List<RawLine> raw = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "step_name" -> stepName = string(p, value, prefix + "step_name");
                case "batch_id" -> batchId = string(p, value, prefix + "batch_id");
                case "lines" -> raw = lines(p, value, prefix);
                default -> throw new BadRequestResponse(prefix + field + ": unknown field");
            }
        }
        if (stepName == null || stepName.isBlank()) {
            throw RequestBodies.required(prefix + "step_name");
        }
        if (raw == null) {
            throw RequestBodies.required(prefix + "lines");
        }
        return toBatch(stepName, batchId, raw, now, prefix);
    }

    /** One element of {@code lines} as sent; checked and converted once the whole body parsed. */
    private record RawLine(String ts, String stream, String line) {}

    private static List<RawLine> lines(JsonParser p, JsonToken value, String prefix) throws IOException {
        if (value == JsonToken.VALUE_NULL) {
            return null;
        }
        if (value != JsonToken.START_ARRAY) {
            throw new BadRequestResponse(prefix + "lines: expected a list");
        }
        var out = new ArrayList<RawLine>();
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            int i = out.size();
            if (t != JsonToken.START_OBJECT) {
                throw new BadRequestResponse(prefix + "lines[" + i + "]: expected an object");
            }
            String ts = null;
            String stream = null;
            String line = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                switch (field) {
                    case "ts" -> ts = timestamp(p, v);
                    case "stream" -> stream = string(p, v, prefix + "lines[" + i + "].stream");
                    case "line" -> line = string(p, v, prefix + "lines[" + i + "].line");
                    default -> throw new BadRequestResponse(prefix + "lines[" + i + "]." + field + ": unknown field");
                }
            }
            if (line == null) {
                throw RequestBodies.required(prefix + "lines[" + i + "].line");
            }
            out.add(new RawLine(ts, stream, line));
        }
        return out;
    }

    private static Batch toBatch(String stepName, String batchId, List<RawLine> raw, Instant now, String prefix) {
        var lines = new ArrayList<LogLine>(raw.size());
        long bytes = 0;
        String previousTs = null;
        Instant previous = null;
        for (int i = 0; i < raw.size(); i++) {
            var in = raw.get(i);
            LogStream stream;
            if (in.stream() == null || in.stream().equals("stdout")) {
                stream = LogStream.STDOUT;
            } else if (in.stream().equals("stderr")) {
                stream = LogStream.STDERR;
            } else {
                throw new BadRequestResponse(prefix + "lines[" + i + "].stream: must be \"stdout\" or \"stderr\", got \""
                        + in.stream() + "\"");
            }
            // Lines of a batch often share their timestamp: parse each distinct one once.
            if (in.ts() == null || !in.ts().equals(previousTs)) {
                previousTs = in.ts();
                previous = JsonlCodec.parseTimestamp(in.ts(), now);
            }
            lines.add(new LogLine(previous, stream, stepName, in.line()));
            bytes += utf8Length(in.line());
        }
        return new Batch(stepName, batchId, lines, bytes);
    }

    /** A {@code ts} that is not a string is as good as none: the line gets the arrival time, as the contract says. */
    private static String timestamp(JsonParser p, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        p.skipChildren();
        return null;
    }

    /** A string field's value; null for JSON null; a 400 naming {@code field} for anything else. */
    private static String string(JsonParser p, JsonToken value, String field) throws IOException {
        if (value == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        if (value == JsonToken.VALUE_NULL) {
            return null;
        }
        throw new BadRequestResponse(field + ": expected a string");
    }

    /** Bytes of {@code s} in UTF-8, counted without encoding it (a lone surrogate counts as the 3 bytes of U+FFFD). */
    static long utf8Length(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }
}
