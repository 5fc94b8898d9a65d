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
 * {@link #MASK}. All forms of a set of secrets are found in one Aho–Corasick pass over the text, so
 * the cost hardly grows with the number of secrets (a job's masker has at most two sets: its
 * workspace's and its own secret inputs'); overlapping matches are merged into one mask (keeping
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
    public static final Masker NONE = new Masker(Set.of(), List.of());

    /** A bitmap bit per this many forms' trigrams, at least: few false "may contain" answers. */
    private static final int BITS_PER_FORM = 2048;
    private static final int MIN_FILTER_BITS = 1 << 12;
    private static final int MAX_FILTER_BITS = 1 << 20;

    private final Set<String> values;
    private final List<Part> parts;

    /**
     * One automaton with its trigram bitmap. A job's masker is its workspace's part (shared by every
     * job of that workspace) plus a small part of the job's own secret inputs, so a page of jobs
     * builds no workspace automaton twice and a cached job keeps kilobytes, not a megabit bitmap.
     */
    private record Part(Trie trie, long[] trigrams) {
        static Part of(Set<String> forms) {
            long wanted = Math.max(MIN_FILTER_BITS, (long) forms.size() * BITS_PER_FORM);
            int bits = wanted >= MAX_FILTER_BITS ? MAX_FILTER_BITS : Integer.highestOneBit((int) wanted - 1) << 1;
            var trigrams = new long[bits / 64];
            for (String form : forms) {
                int bit = trigram(form.charAt(0), form.charAt(1), form.charAt(2), bits - 1);
                trigrams[bit >>> 6] |= 1L << bit;
            }
            return new Part(Trie.builder().addKeywords(forms).build(), trigrams);
        }

        /** Every match in the text; none without searching when no trigram of the text starts a form. */
        Collection<Emit> find(String text) {
            return mayContain(text) ? trie.parseText(text) : List.of();
        }

        private boolean mayContain(String text) {
            int mask = trigrams.length * 64 - 1;
            char a = text.charAt(0);
            char b = text.charAt(1);
            for (int i = 2; i < text.length(); i++) {
                char c = text.charAt(i);
                int bit = trigram(a, b, c, mask);
                if ((trigrams[bit >>> 6] & (1L << bit)) != 0) {
                    return true;
                }
                a = b;
                b = c;
            }
            return false;
        }
    }

    private Masker(Set<String> values, List<Part> parts) {
        this.values = values;
        this.parts = parts;
    }

    /** A masker of these secret values (nulls and values too short to mask are ignored). */
    public static Masker of(Collection<String> secretValues) {
        var values = new LinkedHashSet<String>();
        for (String value : secretValues) {
            if (value != null && value.length() >= SecretForms.MIN_LENGTH) {
                values.add(value);
            }
        }
        var forms = new LinkedHashSet<String>();
        values.forEach(value -> forms.addAll(SecretForms.of(value)));
        return forms.isEmpty() ? NONE : new Masker(Set.copyOf(values), List.of(Part.of(forms)));
    }

    /**
     * This masker and {@code other}'s secrets together. Their automatons are kept side by side, not
     * rebuilt: a match of either is masked, and overlapping matches of both become one mask.
     */
    public Masker plus(Masker other) {
        if (other.isEmpty() || values.containsAll(other.values)) {
            return this;
        }
        if (isEmpty() || other.values.containsAll(values)) {
            return other;
        }
        var all = new LinkedHashSet<>(values);
        all.addAll(other.values);
        var joined = new ArrayList<>(parts);
        joined.addAll(other.parts);
        return new Masker(Set.copyOf(all), List.copyOf(joined));
    }

    /** This masker plus these secret values. */
    public Masker plus(Collection<String> more) {
        var added = new ArrayList<String>();
        for (String value : more) {
            if (value != null && !values.contains(value)) {
                added.add(value);
            }
        }
        return plus(of(added));
    }

    public boolean isEmpty() {
        return parts.isEmpty();
    }

    /** The secret values this masker hides (for combining; never shown). */
    Set<String> values() {
        return values;
    }

    /** The text with every secret form replaced by {@link #MASK}; the same instance when nothing matched. */
    public String mask(String text) {
        if (parts.isEmpty() || text == null || text.length() < SecretForms.MIN_LENGTH) {
            return text;
        }
        List<Emit> found = null;
        for (Part part : parts) {
            Collection<Emit> emits = part.find(text);
            if (!emits.isEmpty()) {
                if (found == null) {
                    found = new ArrayList<>(emits);
                } else {
                    found.addAll(emits);
                }
            }
        }
        if (found == null) {
            return text;
        }
        found.sort((a, b) -> Integer.compare(a.getStart(), b.getStart()));
        var out = new StringBuilder(text.length());
        int copied = 0;
        for (Emit emit : found) {
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
        if (parts.isEmpty()) {
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
        return map == null || parts.isEmpty() ? map : (Map<String, Object>) maskValue(map);
    }

    private static int trigram(char a, char b, char c, int mask) {
        int h = a * 0x9E3779B1 ^ b * 0x85EBCA77 ^ c * 0xC2B2AE3D;
        return (h ^ (h >>> 15)) & mask;
    }

    @Override
    public String toString() {
        // Never the values: a masker may end up in a log or an exception message.
        return "Masker[" + values.size() + " secrets]";
    }
}
