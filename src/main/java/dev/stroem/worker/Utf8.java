package dev.stroem.worker;

/** UTF-8 sizes of text without encoding it. */
final class Utf8 {

    private Utf8() {}

    /** The number of bytes {@code c} takes in UTF-8; a surrogate pair counts 4 on its high half. */
    static int length(char c) {
        if (c < 0x80) {
            return 1;
        } else if (c < 0x800) {
            return 2;
        } else if (Character.isHighSurrogate(c)) {
            return 4;
        } else if (Character.isLowSurrogate(c)) {
            return 0;
        }
        return 3;
    }

    static long length(CharSequence s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            n += length(s.charAt(i));
        }
        return n;
    }
}
