package dev.stroem.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** Columns padded to their widest cell, two spaces apart; the last column is not padded. */
final class TextTable {
    private final List<String[]> rows = new ArrayList<>();
    private final int columns;

    /** A table whose first row is {@code header}. */
    TextTable(String... header) {
        this.columns = header.length;
        rows.add(header);
    }

    /** A table without a header row, e.g. a list of "label: value" pairs. */
    TextTable(int columns) {
        this.columns = columns;
    }

    TextTable row(String... cells) {
        if (cells.length != columns) {
            throw new IllegalArgumentException("expected " + columns + " cells, got " + cells.length);
        }
        rows.add(cells);
        return this;
    }

    void print(PrintWriter out, String indent) {
        int[] widths = new int[columns];
        for (String[] row : rows) {
            for (int c = 0; c < columns; c++) {
                widths[c] = Math.max(widths[c], row[c].length());
            }
        }
        for (String[] row : rows) {
            var line = new StringBuilder(indent);
            for (int c = 0; c < columns; c++) {
                line.append(c == columns - 1 ? row[c] : pad(row[c], widths[c] + 2));
            }
            out.println(line.toString().stripTrailing());
        }
    }

    private static String pad(String s, int width) {
        return s + " ".repeat(width - s.length());
    }
}
