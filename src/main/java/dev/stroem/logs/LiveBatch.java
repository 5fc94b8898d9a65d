package dev.stroem.logs;

import java.util.List;

/**
 * One appended batch as the live fan-out keeps it: the exact JSONL bytes the store wrote (shared
 * by every viewer, never copied per viewer), where each line ends, and each line's step for
 * filtered viewers. Immutable.
 */
final class LiveBatch {
    /** Global index of the first line. */
    final long first;
    /** The JSONL, every line ending in {@code \n}. */
    final byte[] bytes;
    /** {@code ends[i]}: offset just after line {@code i}'s newline. */
    private final int[] ends;
    /** The step of every line when they share one (the usual worker batch), else null. */
    private final String step;
    /** Each line's step when they differ, else null. */
    private final String[] steps;

    private LiveBatch(long first, byte[] bytes, int[] ends, String step, String[] steps) {
        this.first = first;
        this.bytes = bytes;
        this.ends = ends;
        this.step = step;
        this.steps = steps;
    }

    /** The batch, or null when the bytes do not hold exactly one JSONL line per entry of {@code lines}. */
    static LiveBatch of(long first, List<LogLine> lines, byte[] jsonl) {
        int n = lines.size();
        int[] ends = new int[n];
        int found = 0;
        for (int i = 0; i < jsonl.length; i++) {
            if (jsonl[i] == '\n') {
                if (found == n) {
                    return null;
                }
                ends[found++] = i + 1;
            }
        }
        if (found != n || n == 0 || ends[n - 1] != jsonl.length) {
            return null;
        }
        String common = lines.get(0).step();
        String[] each = null;
        for (int i = 1; i < n; i++) {
            if (!common.equals(lines.get(i).step())) {
                each = new String[n];
                for (int j = 0; j < n; j++) {
                    each[j] = lines.get(j).step();
                }
                common = null;
                break;
            }
        }
        return new LiveBatch(first, jsonl, ends, common, each);
    }

    int count() {
        return ends.length;
    }

    /** Global index after the last line. */
    long end() {
        return first + ends.length;
    }

    /** Byte offset where line {@code i} (0-based within the batch) starts. */
    int startOf(int i) {
        return i == 0 ? 0 : ends[i - 1];
    }

    /** Byte offset just after line {@code i}'s newline. */
    int endOf(int i) {
        return ends[i];
    }

    String step(int i) {
        return step != null ? step : steps[i];
    }
}
