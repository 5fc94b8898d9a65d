package dev.stroem.logs;

import java.io.Closeable;
import java.io.IOException;

/** A forward sequence of lines as bytes (without newline); the current line is valid until the next {@code next()}. */
interface LineSource extends Closeable {

    /** Advances to the next line; false at the end. */
    boolean next() throws IOException;

    byte[] buffer();

    int offset();

    int length();
}
