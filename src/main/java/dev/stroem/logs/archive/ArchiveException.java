package dev.stroem.logs.archive;

/** The archive backend could not do what was asked (unreachable, refused, corrupt object). */
public final class ArchiveException extends RuntimeException {
    public ArchiveException(String message, Throwable cause) {
        super(message, cause);
    }

    public ArchiveException(String message) {
        super(message);
    }
}
