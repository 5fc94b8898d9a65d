package dev.stroem.logs.archive;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;

/**
 * Where finished job logs are kept for good: the port behind which the S3 and local-directory
 * backends sit. Objects are opaque bytes (the engine stores gzip-compressed JSONL); keys come
 * from {@code ArchiveKey} and are already checked to stay inside the archive.
 *
 * <p>Every method throws {@link ArchiveException} when the backend cannot do what was asked
 * (unreachable, refused, corrupt); callers decide whether that is fatal or degrades.
 */
public interface LogArchive {

    /** Writes the bytes that {@code content} produces under {@code key}; a reader never sees a partial object. */
    void put(String key, ContentWriter content);

    /** Opens the object under {@code key}, or empty when there is none. The caller closes the stream. */
    Optional<InputStream> open(String key);

    /** Deletes the object under {@code key}; deleting a missing object is not an error. */
    void delete(String key);

    /** A short human description for logs and metrics, e.g. {@code s3://bucket/prefix} or {@code local:/mnt/archive}. */
    String describe();

    /** Produces an object's bytes into the stream the backend provides; the backend closes it. */
    @FunctionalInterface
    interface ContentWriter {
        void writeTo(OutputStream out) throws IOException;
    }
}
