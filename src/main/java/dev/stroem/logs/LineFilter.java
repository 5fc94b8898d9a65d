package dev.stroem.logs;

/**
 * The step/stream part of a {@link LogQuery}, matched against the decoded fields of a stored
 * line, never against its raw text.
 */
final class LineFilter {

    static final LineFilter NONE = new LineFilter(null, null, null);

    private final JsonlCodec codec;
    private final String step;
    private final String stream;

    private LineFilter(JsonlCodec codec, String step, String stream) {
        this.codec = codec;
        this.step = step;
        this.stream = stream;
    }

    static LineFilter of(LogQuery query, JsonlCodec codec) {
        if (!query.filtered()) {
            return NONE;
        }
        return new LineFilter(codec, query.step(), query.stream() == null ? null : query.stream().wireName());
    }

    boolean isNone() {
        return step == null && stream == null;
    }

    /**
     * Whether the line matches. Unstructured lines (legacy {@code .log}) have no step or stream,
     * so they only match an unfiltered read; a JSONL line that does not parse matches no filter.
     */
    boolean matches(byte[] buf, int off, int len, boolean structured) {
        if (isNone()) {
            return true;
        }
        if (!structured) {
            return false;
        }
        JsonlCodec.Header h = codec.header(buf, off, len);
        return h != null && (step == null || step.equals(h.step())) && (stream == null || stream.equals(h.stream()));
    }
}
