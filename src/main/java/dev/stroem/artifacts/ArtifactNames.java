package dev.stroem.artifacts;

/**
 * What an artifact or step name may be. An artifact name is the file's path under the step's
 * artifacts folder and keeps its slashes ({@code reports/q1.html}); it becomes part of an object
 * key and, on the local backend, of a path, so it must never climb out or hide: no {@code ..} or
 * {@code .} segment, no empty segment, no leading slash or backslash, no NUL or control character.
 */
public final class ArtifactNames {
    static final int MAX_LENGTH = 1024;

    private ArtifactNames() {}

    /** The name when it is acceptable; a BAD_REQUEST naming the problem otherwise. */
    public static String check(String what, String name, boolean slashesAllowed) {
        if (name == null || name.isEmpty()) {
            throw bad(what + ": required");
        }
        if (name.length() > MAX_LENGTH) {
            throw bad(what + ": at most " + MAX_LENGTH + " characters");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
                throw bad(what + ": control characters are not allowed");
            }
            if (c == '\\') {
                throw bad(what + ": backslashes are not allowed");
            }
            if (c == '/' && !slashesAllowed) {
                throw bad(what + ": slashes are not allowed");
            }
        }
        for (String segment : name.split("/", -1)) {
            if (segment.isEmpty()) {
                throw bad(what + ": no leading, trailing or double slash");
            }
            if (segment.equals("..") || segment.equals(".")) {
                throw bad(what + ": \".\" and \"..\" are not allowed as path segments");
            }
        }
        return name;
    }

    private static ArtifactException bad(String message) {
        return new ArtifactException(ArtifactException.Kind.BAD_REQUEST, message);
    }
}
