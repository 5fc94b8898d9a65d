package dev.stroem.logs;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The {@code control=true} envelopes of the live log stream (docs/api.md): {@code lines},
 * {@code position} and {@code end}. The JSONL goes into {@code data} as one JSON string, escaped
 * by Jackson.
 */
final class ControlFrames {

    private final JsonFactory json = new JsonFactory();

    /** {@code {"type":"lines","first":N,"next":M,"data":"<jsonl>"}}; {@code jsonl} must be array-backed. */
    ByteBuffer lines(long first, long next, ByteBuffer jsonl) {
        var out = new ByteArrayOutputStream(jsonl.remaining() + jsonl.remaining() / 8 + 80);
        try (JsonGenerator gen = json.createGenerator(out)) {
            gen.writeStartObject();
            gen.writeStringField("type", "lines");
            gen.writeNumberField("first", first);
            gen.writeNumberField("next", next);
            gen.writeFieldName("data");
            gen.writeUTF8String(jsonl.array(), jsonl.arrayOffset() + jsonl.position(), jsonl.remaining());
            gen.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // cannot happen with a byte array
        }
        return ByteBuffer.wrap(out.toByteArray());
    }

    /** {@code {"type":"position","next":N}}. */
    ByteBuffer position(long next) {
        return ByteBuffer.wrap(("{\"type\":\"position\",\"next\":" + next + "}").getBytes(StandardCharsets.US_ASCII));
    }

    /** {@code {"type":"end","status":"…","next":N}}. */
    ByteBuffer end(String status, long next) {
        var out = new ByteArrayOutputStream(64);
        try (JsonGenerator gen = json.createGenerator(out)) {
            gen.writeStartObject();
            gen.writeStringField("type", "end");
            gen.writeStringField("status", status);
            gen.writeNumberField("next", next);
            gen.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ByteBuffer.wrap(out.toByteArray());
    }
}
