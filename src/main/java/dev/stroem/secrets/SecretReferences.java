package dev.stroem.secrets;

import java.util.regex.Pattern;

/**
 * Unresolved secret-manager references ({@code ref+vault://secret/db#/password}) in a text shown by
 * the API: replaced by {@link Masker#MASK}, as the original redacts them, because a reference's
 * path tells where a secret lives even when the value itself is not there.
 */
public final class SecretReferences {
    /** {@code ref+<scheme>://<anything up to whitespace or a quote>}: the form vals reads. */
    private static final Pattern REFERENCE = Pattern.compile("ref\\+[A-Za-z0-9]+://[^\\s\"'`]*");

    private SecretReferences() {}

    /** The text with each reference masked; the same instance when it holds none. */
    public static String redact(String text) {
        if (text == null || !text.contains("ref+")) {
            return text;
        }
        var matcher = REFERENCE.matcher(text);
        return matcher.find() ? matcher.replaceAll(Masker.MASK) : text;
    }
}
