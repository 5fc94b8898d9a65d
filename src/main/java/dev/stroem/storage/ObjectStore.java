package dev.stroem.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;

/**
 * The byte-storage port: opaque objects under keys, in an S3 bucket or a local directory. Job
 * logs are archived through it (gzip-compressed JSONL); artifacts and task state build on it
 * the same way. Callers make the keys ({@code logs.ArchiveKey} for logs) and check that they
 * stay inside the store; the backends check again.
 *
 * <p>Every method throws {@link StorageException} when the backend cannot do what was asked
 * (unreachable, refused, corrupt); callers decide whether that is fatal or degrades.
 */
public interface ObjectStore {

    /** Writes the bytes that {@code content} produces under {@code key}; a reader never sees a partial object. */
    void put(String key, ContentWriter content);

    /** Opens the object under {@code key}, or empty when there is none. The caller closes the stream. */
    Optional<InputStream> open(String key);

    /**
     * Opens the object under {@code key} from byte {@code offset} on (a ranged download), or empty
     * when there is none. Backends that can seek override this; the default reads past the start.
     */
    default Optional<InputStream> open(String key, long offset) {
        var in = open(key);
        if (in.isPresent() && offset > 0) {
            try {
                in.get().skipNBytes(offset);
            } catch (IOException e) {
                try {
                    in.get().close();
                } catch (IOException ignored) {
                    // the failure to skip is what matters
                }
                throw new StorageException("cannot read " + key + " from byte " + offset + ": " + e.getMessage(), e);
            }
        }
        return in;
    }

    /** Deletes the object under {@code key}; deleting a missing object is not an error. */
    void delete(String key);

    /** A short human description for logs and metrics, e.g. {@code s3://bucket (S3 at …)} or {@code local:/mnt/archive}. */
    String describe();

    /** Produces an object's bytes into the stream the backend provides; the backend closes it. */
    @FunctionalInterface
    interface ContentWriter {
        void writeTo(OutputStream out) throws IOException;
    }
}
