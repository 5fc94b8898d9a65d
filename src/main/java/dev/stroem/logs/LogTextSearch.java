package dev.stroem.logs;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Finds the lines of a log whose visible text contains a needle, case-insensitively, reading the
 * log once through a cursor (memory bounded by the number of hits kept, not the log's size). The
 * web UI uses it to search logs too large to hold in the page. "Visible" means as the viewer shows
 * the line: terminal escape sequences (colours, titles) do not count.
 */
public final class LogTextSearch {
    // CSI (colours, cursor), OSC (window titles, ended by BEL or ST) and two-character escapes.
    private static final Pattern ESCAPES =
            Pattern.compile("\u001B(?:\\[[0-?]*[ -/]*[@-~]|\\][^\u0007\u001B]*(?:\u0007|\u001B\\\\)?|[@-Z\\\\-_])");

    /** The positions found (in log order), whether more were left out, and where reading stopped. */
    public record Result(List<Long> positions, boolean truncated, long nextOffset) {}

    private final JsonlCodec codec;

    public LogTextSearch(JsonlCodec codec) {
        this.codec = codec;
    }

    /** At most {@code max} hits; the cursor is read to its end unless that many were found. */
    public Result find(LogCursor cursor, String needle, int max) {
        String lower = needle.toLowerCase(Locale.ROOT);
        // A needle JSON writes unchanged can be looked for in the raw record first: most lines
        // are then rejected without decoding them.
        boolean prefilter = lower.chars().allMatch(c -> c >= 0x20 && c < 0x7f && c != '"' && c != '\\');
        var hits = new ArrayList<Long>();
        while (cursor.hasNext()) {
            LogRecord record = cursor.next();
            if (prefilter && !record.text().toLowerCase(Locale.ROOT).contains(lower)) {
                continue;
            }
            String line;
            try {
                line = codec.decode(record.text()).line();
            } catch (IllegalArgumentException e) {
                line = record.text(); // not a log object: the viewer shows it as it is, so search it so
            }
            if (line.indexOf('\u001B') >= 0) {
                line = ESCAPES.matcher(line).replaceAll("");
            }
            if (line.toLowerCase(Locale.ROOT).contains(lower)) {
                if (hits.size() == max) {
                    return new Result(hits, true, record.index());
                }
                hits.add(record.index());
            }
        }
        return new Result(hits, false, cursor.nextOffset());
    }
}
