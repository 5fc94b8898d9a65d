package dev.stroem.secrets;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ahocorasick.trie.Emit;
import org.ahocorasick.trie.Trie;

/**
 * Replaces every known secret value, in any of its {@link SecretForms common encodings}, by
 * {@link #MASK}. All forms of all secrets are found in one Aho–Corasick pass over the text, so the
 * cost hardly grows with the number of secrets; overlapping matches are merged into one mask (keeping
 * only the longest would leave the other's first characters visible). Immutable and thread-safe.
 *
 * <p>Most log lines hold no secret. Before the automaton runs, a bitmap of the first three
 * characters of every form is probed at each position of the text (a line is only searched when
 * one of its trigrams starts some form): that probe is a few array reads per character, several
 * times cheaper than the automaton's map lookups.
 */
public final class Masker {

    /** What a secret is replaced with, as in the original's API redaction. */
    public static final String MASK = "••••••";

    /** Masks nothing: a job or workspace without secrets. */
    public static final Masker NONE = new Masker(Set.of());

    private static final int FILTER_BITS = 1 << 20;

    private final Set<String> values;
    private final Trie trie;
    private final long[] trigrams;

    private Masker(Set<String> values) {
        this.values = values;
        var forms = new LinkedHashSet<String>();
        values.forEach(value -> forms.addAll(SecretForms.of(value)));
        if (forms.isEmpty()) {
            this.trie = null;
            this.trigrams = null;
        } else {
            this.trie = Trie.builder().addKeywords(forms).build();
            this.trigrams = new long[FILTER_BITS / 64];
            for (String form : forms) {
                int bit = trigram(form.charAt(0), form.charAt(1), form.charAt(2));
                trigrams[bit >>> 6] |= 1L << bit;
            }
        }
    }

    /** A masker of these secret values (nulls and values too short to mask are ignored). */
    public static Masker of(Collection<String> secretValues) {
        var values = new LinkedHashSet<String>();
        for (String value : secretValues) {
            if (value != null && value.length() >= SecretForms.MIN_LENGTH) {
                values.add(value);
            }
        }
        return values.isEmpty() ? NONE : new Masker(Set.copyOf(values));
    }

    /** This masker and {@code other}'s secrets together. */
    public Masker plus(Masker other) {
        if (other.isEmpty()) {
            return this;
        }
        if (isEmpty()) {
            return other;
        }
        var all = new LinkedHashSet<>(values);
        all.addAll(other.values);
        return of(all);
    }

    /** This masker plus these secret values. */
    public Masker plus(Collection<String> more) {
        return plus(of(more));
    }

    public boolean isEmpty() {
        return trie == null;
    }

    /** The secret values this masker hides (for combining; never shown). */
    Set<String> values() {
        return values;
    }

    /** The text with every secret form replaced by {@link #MASK}; the same instance when nothing matched. */
    public String mask(String text) {
        if (trie == null || text == null || text.length() < SecretForms.MIN_LENGTH || !mayContain(text)) {
            return text;
        }
        Collection<Emit> emits = trie.parseText(text);
        if (emits.isEmpty()) {
            return text;
        }
        List<Emit> sorted = new ArrayList<>(emits);
        sorted.sort((a, b) -> Integer.compare(a.getStart(), b.getStart()));
        var out = new StringBuilder(text.length());
        int copied = 0;
        for (Emit emit : sorted) {
            if (emit.getStart() < copied) {
                // Overlaps the previous match: one mask covers both.
                copied = Math.max(copied, emit.getEnd() + 1);
                continue;
            }
            out.append(text, copied, emit.getStart()).append(MASK);
            copied = emit.getEnd() + 1;
        }
        return out.append(text, copied, text.length()).toString();
    }

    /**
     * A JSON-like value (strings, maps, lists, numbers, booleans, null) with every string masked,
     * for job and step input and output. Map keys are kept. Unchanged values are returned as is.
     */
    public Object maskValue(Object value) {
        if (trie == null) {
            return value;
        }
        if (value instanceof String s) {
            return mask(s);
        }
        if (value instanceof Map<?, ?> map) {
            var out = new LinkedHashMap<Object, Object>();
            map.forEach((k, v) -> out.put(k, maskValue(v)));
            return out;
        }
        if (value instanceof Collection<?> list) {
            var out = new ArrayList<>(list.size());
            list.forEach(v -> out.add(maskValue(v)));
            return out;
        }
        return value;
    }

    /** {@link #maskValue} for a map of input or output fields. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> maskMap(Map<String, Object> map) {
        return map == null || trie == null ? map : (Map<String, Object>) maskValue(map);
    }

    private boolean mayContain(String text) {
        int last = text.length() - 2;
        char a = text.charAt(0);
        char b = text.charAt(1);
        for (int i = 2; i <= last + 1; i++) {
            char c = text.charAt(i);
            int bit = trigram(a, b, c);
            if ((trigrams[bit >>> 6] & (1L << bit)) != 0) {
                return true;
            }
            a = b;
            b = c;
        }
        return false;
    }

    private static int trigram(char a, char b, char c) {
        int h = a * 0x9E3779B1 ^ b * 0x85EBCA77 ^ c * 0xC2B2AE3D;
        return (h ^ (h >>> 15)) & (FILTER_BITS - 1);
    }

    @Override
    public String toString() {
        // Never the values: a masker may end up in a log or an exception message.
        return "Masker[" + values.size() + " secrets]";
    }
}
