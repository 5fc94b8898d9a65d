package dev.stroem.logs;

/**
 * The one rule for names that become part of a file path, an archive key or a log line's step:
 * job ids, workspace, task, action and step names. A safe name can never make a path leave
 * {@code local_dir} or an archive key leave the archive's {@code path}, whatever it holds. The
 * workflow loader refuses a workspace whose names break it (a load error naming the file), so
 * a name that cannot be stored never reaches a running job.
 *
 * <p>Rejected: empty or blank names, names longer than {@value #MAX_BYTES} bytes of UTF-8 (file
 * systems allow 255 bytes per name, and suffixes are added), names
 * containing {@code ..}, {@code /}, {@code \}, NUL or any other control character, and absolute
 * paths (leading {@code /}, {@code \} or a drive letter such as {@code C:}). Names like
 * {@code say-hello}, {@code build_1}, {@code _server}, {@code default} or a UUID are fine.
 */
public final class SafeName {

    /** Longest accepted name in UTF-8 bytes; file systems refuse names beyond 255 bytes and we add suffixes. */
    public static final int MAX_BYTES = 200;

    private SafeName() {}

    /**
     * Returns {@code value} when it is safe.
     *
     * @param kind what the name is, for the error message (e.g. {@code "job id"}, {@code "workspace"})
     * @throws IllegalArgumentException naming the kind, the value and the rule it breaks
     */
    public static String require(String kind, String value) {
        String problem = problem(value);
        if (problem != null) {
            throw new IllegalArgumentException("invalid " + kind + " " + display(value) + ": " + problem);
        }
        return value;
    }

    /** Whether {@code value} passes {@link #require}. */
    public static boolean isSafe(String value) {
        return problem(value) == null;
    }

    /** Why {@code value} is not a safe name, as the end of a sentence ({@code "must not contain '/'"}), or null. */
    public static String problem(String value) {
        if (value == null || value.isEmpty()) {
            return "must not be empty";
        }
        if (value.isBlank()) {
            return "must not be blank";
        }
        if (value.length() > MAX_BYTES / 4 && value.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_BYTES) {
            return "must not be longer than " + MAX_BYTES + " bytes (UTF-8)";
        }
        char first = value.charAt(0);
        if (first == '/' || first == '\\'
                || (value.length() >= 2 && value.charAt(1) == ':' && isAsciiLetter(first))) {
            return "must not be an absolute path";
        }
        if (value.contains("..")) {
            return "must not contain '..'";
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '/') {
                return "must not contain '/'";
            }
            if (c == '\\') {
                return "must not contain '\\'";
            }
            if (c == 0) {
                return "must not contain NUL";
            }
            if (Character.isISOControl(c)) {
                return "must not contain control characters";
            }
        }
        if (value.equals(".")) {
            return "must not be '.'";
        }
        return null;
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    /** The value quoted for an error message, control characters made visible. */
    private static String display(String value) {
        if (value == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder(value.length() + 2).append('"');
        int shown = Math.min(value.length(), MAX_BYTES + 20);
        for (int i = 0; i < shown; i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c)) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        if (shown < value.length()) {
            sb.append('…');
        }
        return sb.append('"').toString();
    }
}
