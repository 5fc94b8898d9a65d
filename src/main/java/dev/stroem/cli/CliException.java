package dev.stroem.cli;

/**
 * Something a client command cannot do, said in one sentence for stderr (the server is unreachable,
 * the job does not exist, an argument is malformed). The command exits with {@link ExitCodes#ERROR}.
 */
public final class CliException extends RuntimeException {

    public CliException(String sentence) {
        super(sentence);
    }

    public CliException(String sentence, Throwable cause) {
        super(sentence, cause);
    }

    /** The message as a sentence: ending with a full stop unless it already ends with punctuation. */
    public String sentence() {
        String m = getMessage();
        if (m == null || m.isBlank()) {
            return "The command failed.";
        }
        char last = m.charAt(m.length() - 1);
        return last == '.' || last == '!' || last == '?' ? m : m + ".";
    }
}
