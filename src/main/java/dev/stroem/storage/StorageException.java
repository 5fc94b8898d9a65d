package dev.stroem.storage;

/** The object store could not do what was asked (unreachable, refused, corrupt object). */
public final class StorageException extends RuntimeException {
    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }

    public StorageException(String message) {
        super(message);
    }
}
