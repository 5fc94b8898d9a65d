package dev.stroem.logs;

import java.nio.charset.StandardCharsets;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns lines as producers send them into lines as the store keeps them: {@code ts} truncated to
 * the millisecond, text made well-formed UTF-16 (a lone surrogate becomes U+FFFD, so every line
 * encodes to valid UTF-8), and lines longer than the maximum split into consecutive lines.
 *
 * <p><b>Maximum line size:</b> the {@code line} field of a stored line holds at most
 * {@value #MAX_LINE_BYTES} bytes of UTF-8 (64 KiB). A longer line is split at a character
 * boundary into several stored lines with the same {@code ts}, {@code stream} and {@code step};
 * every piece after the first starts with {@value #CONTINUATION_MARKER} (counted in its size).
 * Nothing is dropped or silently truncated: removing the markers and joining the pieces gives
 * back the original text.
 */
public final class LineNormalizer {

    /** Largest {@code line} field, in bytes of UTF-8. */
    public static final int MAX_LINE_BYTES = 64 * 1024;

    /** Starts every continuation piece of a split line. */
    public static final String CONTINUATION_MARKER = "↪ ";

    private static final int MARKER_BYTES = CONTINUATION_MARKER.getBytes(StandardCharsets.UTF_8).length;

    private final int maxLineBytes;

    /** A normalizer with the standard {@link #MAX_LINE_BYTES}. */
    public LineNormalizer() {
        this(MAX_LINE_BYTES);
    }

    LineNormalizer(int maxLineBytes) {
        if (maxLineBytes < MARKER_BYTES + 4) {
            throw new IllegalArgumentException("maxLineBytes too small: " + maxLineBytes);
        }
        this.maxLineBytes = maxLineBytes;
    }

    /** The stored form of {@code lines}, in order; usually the same number of lines, more when some were split. */
    public List<LogLine> normalize(List<LogLine> lines) {
        List<LogLine> out = new ArrayList<>(lines.size());
        for (LogLine line : lines) {
            normalizeInto(line, out);
        }
        return out;
    }

    /** The stored form of one line: one line, or several when it is longer than the maximum. */
    public List<LogLine> normalize(LogLine line) {
        List<LogLine> out = new ArrayList<>(1);
        normalizeInto(line, out);
        return out;
    }

    private void normalizeInto(LogLine line, List<LogLine> out) {
        var ts = line.ts().getNano() % 1_000_000 == 0 ? line.ts() : line.ts().truncatedTo(ChronoUnit.MILLIS);
        String step = wellFormed(line.step());
        String text = wellFormed(line.line());
        boolean changed = ts != line.ts() || step != line.step() || text != line.line();
        // A UTF-16 char never needs more than 3 bytes of UTF-8, so short strings skip the count.
        if ((long) text.length() * 3 <= maxLineBytes || utf8Length(text) <= maxLineBytes) {
            out.add(changed ? new LogLine(ts, line.stream(), step, text) : line);
            return;
        }
        int start = 0;
        boolean first = true;
        while (start < text.length()) {
            int budget = first ? maxLineBytes : maxLineBytes - MARKER_BYTES;
            int end = cutPoint(text, start, budget);
            String piece = text.substring(start, end);
            out.add(new LogLine(ts, line.stream(), step, first ? piece : CONTINUATION_MARKER + piece));
            first = false;
            start = end;
        }
    }

    /** The index after the longest run of whole code points from {@code start} that fits in {@code budget} bytes. */
    private static int cutPoint(String s, int start, int budget) {
        int bytes = 0;
        int i = start;
        while (i < s.length()) {
            int cp = s.codePointAt(i);
            int n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (bytes + n > budget) {
                break;
            }
            bytes += n;
            i += Character.charCount(cp);
        }
        return i;
    }

    static int utf8Length(String s) {
        int bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    /** {@code s} with every unpaired surrogate replaced by U+FFFD; the same instance when there is none. */
    static String wellFormed(String s) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return repair(s);
            }
        }
        return s;
    }

    private static String repair(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                sb.append(c).append(s.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                sb.append('\uFFFD');
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
