package dev.stroem.logs;

import java.util.AbstractList;
import java.util.RandomAccess;

/**
 * The lines of a JSONL buffer (one JSON object per line, each ending in {@code \n}) as a list,
 * each decoded when first read. A replica copying another replica's chunk into its file writes
 * the bytes as they are; the decoded lines are only wanted when someone watches the job live, so
 * most copies never pay for the JSON parsing. Reading a line twice from two threads may decode it
 * twice; both get equal values.
 */
public final class JsonlLines extends AbstractList<LogLine> implements RandomAccess {
    private final JsonlCodec codec;
    private final byte[] jsonl;
    /** {@code starts[i]} is where line i begins; {@code starts[size]} is the buffer's end. */
    private final int[] starts;
    private final LogLine[] decoded;

    /**
     * @throws IllegalArgumentException when the buffer is empty or its last line has no {@code \n}
     */
    public JsonlLines(JsonlCodec codec, byte[] jsonl) {
        if (jsonl.length == 0 || jsonl[jsonl.length - 1] != '\n') {
            throw new IllegalArgumentException("JSONL must hold whole lines, each ending in a newline");
        }
        int count = 0;
        for (byte b : jsonl) {
            if (b == '\n') {
                count++;
            }
        }
        int[] at = new int[count + 1];
        int line = 0;
        for (int i = 0; i < jsonl.length; i++) {
            if (jsonl[i] == '\n') {
                at[++line] = i + 1;
            }
        }
        this.codec = codec;
        this.jsonl = jsonl;
        this.starts = at;
        this.decoded = new LogLine[count];
    }

    @Override
    public LogLine get(int index) {
        LogLine line = decoded[index];
        if (line == null) {
            // LogLine's fields are final: a line published through this array is seen whole by any thread.
            line = codec.decode(jsonl, starts[index], starts[index + 1] - starts[index] - 1);
            decoded[index] = line;
        }
        return line;
    }

    @Override
    public int size() {
        return decoded.length;
    }
}
