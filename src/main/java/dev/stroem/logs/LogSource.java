package dev.stroem.logs;

/** Where a read's lines came from; the HTTP layer reports it as {@code X-Stroem-Log-Source}. */
public enum LogSource {
    /** The local JSONL file (or the legacy {@code .log} file). */
    LOCAL("local"),
    /** The archive only: there was no local log. */
    ARCHIVE("archive"),
    /** The union of the local log and the archived one, ordered by {@code ts}. */
    MERGED("merged"),
    /** The job has no log anywhere: the read is empty. */
    NONE("none");

    private final String headerValue;

    LogSource(String headerValue) {
        this.headerValue = headerValue;
    }

    /** {@code local}, {@code archive}, {@code merged} or {@code none}. */
    public String headerValue() {
        return headerValue;
    }
}
