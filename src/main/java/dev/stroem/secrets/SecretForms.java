package dev.stroem.secrets;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The spellings a secret value takes when a script prints it in a common encoding: as is, each
 * line of a multi-line value, JSON-escaped, URL-encoded ({@code +} and {@code %20} for spaces),
 * and base64 (standard and URL-safe) at each of the three byte alignments it can have inside a
 * longer encoded text. Forms shorter than {@link #MIN_LENGTH} are left out: masking every
 * {@code "ab"} of a log would destroy it and hide nothing.
 */
final class SecretForms {

    /** Values and forms shorter than this are not masked. */
    static final int MIN_LENGTH = 4;

    private SecretForms() {}

    static Set<String> of(String value) {
        var forms = new LinkedHashSet<String>();
        if (value == null || value.length() < MIN_LENGTH) {
            return forms;
        }
        add(forms, value);
        // Each line of a multi-line value (a PEM key) is masked where it appears as a log line of its own.
        if (value.indexOf('\n') >= 0) {
            value.lines().map(String::strip).forEach(line -> add(forms, line));
        }
        add(forms, jsonEscaped(value, false));
        // Python's json.dumps and others escape every non-ASCII character by default.
        add(forms, jsonEscaped(value, true));
        String formEncoded = URLEncoder.encode(value, StandardCharsets.UTF_8);
        add(forms, formEncoded);
        add(forms, formEncoded.replace("+", "%20"));
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        for (Base64.Encoder encoder : new Base64.Encoder[] {Base64.getEncoder(), Base64.getUrlEncoder()}) {
            String padded = encoder.encodeToString(bytes);
            add(forms, padded);
            for (int shift = 0; shift < 3; shift++) {
                add(forms, aligned(encoder, bytes, shift));
            }
        }
        return forms;
    }

    /**
     * The base64 characters that depend on the value's bytes only, when {@code shift} other bytes
     * come before it in the encoded text: the leading characters mixed with those bytes and the
     * trailing ones mixed with whatever follows are dropped.
     */
    static String aligned(Base64.Encoder encoder, byte[] value, int shift) {
        byte[] shifted = new byte[shift + value.length];
        System.arraycopy(value, 0, shifted, shift, value.length);
        String encoded = encoder.withoutPadding().encodeToString(shifted);
        int from = (8 * shift + 5) / 6;
        int to = 8 * (shift + value.length) / 6;
        return from >= to ? "" : encoded.substring(from, to);
    }

    /** The value as it appears inside a JSON string (what {@code jq -c} or a JSON logger prints). */
    static String jsonEscaped(String value, boolean asciiOnly) {
        var out = new StringBuilder(value.length() + 8);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || asciiOnly && c > 0x7e) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    private static void add(Set<String> forms, String form) {
        if (form.length() >= MIN_LENGTH) {
            forms.add(form);
        }
    }
}
