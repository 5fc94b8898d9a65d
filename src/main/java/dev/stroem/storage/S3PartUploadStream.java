package dev.stroem.storage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * The stream a {@link ObjectStore.ContentWriter} writes an S3 object into. An object that fits in
 * one part becomes a single PutObject of known length, a larger one a multipart upload whose parts
 * are sent as the buffer fills: each full part is sent on {@code uploads} while the writer fills
 * the next, so a writer fed from the network (an artifact arriving from a worker) and the upload
 * to S3 run at once. At most one part is in flight: memory stays about two parts whatever the
 * object's size. {@link #close()} publishes the object; until then S3 shows nothing.
 *
 * <p>S3 failures surface from {@code write}/{@code close} as {@link UploadFailedException}, an
 * IOException (writers expect those) that carries the {@link StorageException}.
 */
final class S3PartUploadStream extends OutputStream {

    private static final int INITIAL_BUFFER = 64 * 1024;

    private final S3Client s3;
    private final String bucket;
    private final String key;
    private final String contentType;
    private final int partSize;
    private final S3FailureTranslator failures;
    private final Executor uploads;

    private byte[] buffer;
    /** The buffer of the part in flight, reused for the part after the next once that part is sent. */
    private byte[] spare;
    private CompletableFuture<CompletedPart> inFlight;
    private int count;
    private String uploadId;
    private final List<CompletedPart> parts = new ArrayList<>();
    private boolean closed;
    private boolean published;

    S3PartUploadStream(S3Client s3, String bucket, String key, String contentType, int partSize,
            S3FailureTranslator failures, Executor uploads) {
        this.uploads = uploads;
        this.s3 = s3;
        this.bucket = bucket;
        this.key = key;
        this.contentType = contentType;
        this.partSize = partSize;
        this.failures = failures;
        // Most job logs are small: grow towards a part instead of taking a whole part up front.
        this.buffer = new byte[Math.min(INITIAL_BUFFER, partSize)];
    }

    @Override
    public void write(int b) throws IOException {
        if (!closed && count < buffer.length) {
            buffer[count++] = (byte) b;
            return;
        }
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        if (closed) {
            throw new IOException("the upload of s3://" + bucket + "/" + key + " is already closed");
        }
        while (length > 0) {
            // A full buffer is sent only when more bytes come, so an object of exactly one part
            // still goes as a single PutObject.
            if (count == partSize) {
                uploadPart();
            }
            ensureCapacity(Math.min(partSize, count + length));
            int n = Math.min(length, buffer.length - count);
            System.arraycopy(bytes, offset, buffer, count, n);
            count += n;
            offset += n;
            length -= n;
        }
    }

    /** Publishes the object: a PutObject, or the last part and CompleteMultipartUpload. Idempotent. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (uploadId == null) {
                int length = count;
                byte[] bytes = buffer;
                s3.putObject(r -> r.bucket(bucket).key(key).contentType(contentType).contentLength((long) length),
                        RequestBody.fromContentProvider(() -> new ByteArrayInputStream(bytes, 0, length), length, contentType));
            } else {
                if (count > 0) {
                    uploadPart();
                }
                awaitInFlight();
                s3.completeMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(uploadId)
                        .multipartUpload(m -> m.parts(parts)));
            }
            published = true;
        } catch (SdkException e) {
            throw new UploadFailedException(failures.translate("writing", key, e));
        } finally {
            buffer = null;
            spare = null;
        }
    }

    /** Gives up: aborts a started multipart upload so S3 keeps no orphaned parts. No-op once published. */
    void abort(Throwable reason) {
        closed = true;
        buffer = null;
        spare = null;
        if (inFlight != null) {
            // A part still being sent would outlive the abort and stay behind as an orphan: wait for it.
            try {
                inFlight.join();
            } catch (CompletionException | CancellationException e) {
                // Its failure is the upload's, which is being given up anyway.
            }
            inFlight = null;
        }
        if (uploadId == null || published) {
            return;
        }
        try {
            s3.abortMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(uploadId));
        } catch (SdkException e) {
            // The parts linger until a bucket lifecycle rule (AbortIncompleteMultipartUpload) removes them.
            reason.addSuppressed(failures.translate("aborting the multipart upload of", key, e));
        }
    }

    /** Sends the buffer as the next part once the part before it is sent, and goes on with a free buffer. */
    private void uploadPart() throws IOException {
        try {
            if (uploadId == null) {
                uploadId = s3.createMultipartUpload(r -> r.bucket(bucket).key(key).contentType(contentType)).uploadId();
            }
        } catch (SdkException e) {
            throw new UploadFailedException(failures.translate("writing", key, e));
        }
        awaitInFlight();
        int partNumber = parts.size() + 1;
        int length = count;
        byte[] bytes = buffer;
        String id = uploadId;
        inFlight = CompletableFuture.supplyAsync(() -> {
            // The provider re-reads the buffer for each attempt (signing, retries); it is not copied.
            UploadPartResponse response = s3.uploadPart(
                    r -> r.bucket(bucket).key(key).uploadId(id).partNumber(partNumber).contentLength((long) length),
                    RequestBody.fromContentProvider(() -> new ByteArrayInputStream(bytes, 0, length), length, contentType));
            return CompletedPart.builder().partNumber(partNumber).eTag(response.eTag()).build();
        }, uploads);
        // The next part fills the buffer the part before this one was sent from (or a new one).
        buffer = spare != null ? spare : new byte[buffer.length];
        spare = bytes;
        count = 0;
    }

    /** Waits for the part in flight and records it; its failure is this upload's. */
    private void awaitInFlight() throws IOException {
        if (inFlight == null) {
            return;
        }
        try {
            parts.add(inFlight.join());
        } catch (CompletionException e) {
            if (e.getCause() instanceof SdkException sdk) {
                throw new UploadFailedException(failures.translate("writing", key, sdk));
            }
            throw new IOException("sending a part of s3://" + bucket + "/" + key + " failed: " + e.getCause(), e.getCause());
        } finally {
            inFlight = null;
        }
    }

    private void ensureCapacity(int needed) {
        if (needed > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.min(partSize, Math.max(needed, buffer.length * 2)));
        }
    }

    /** An S3 failure while a writer was writing: an IOException for the writer, an StorageException for the caller. */
    static final class UploadFailedException extends IOException {
        UploadFailedException(StorageException cause) {
            super(cause.getMessage(), cause);
        }

        StorageException archiveException() {
            return (StorageException) getCause();
        }
    }
}
