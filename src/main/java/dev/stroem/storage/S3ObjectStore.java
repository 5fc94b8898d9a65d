package dev.stroem.storage;

import dev.stroem.config.ArchiveConfig;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * The archive in an S3 bucket (AWS or S3-compatible). Keys are used as given: they already carry
 * the configured prefix ({@code {prefix}{workspace}/{task}/YYYY/MM/DD/...jsonl.gz}). Objects are
 * stored as {@code application/gzip}.
 *
 * <p>{@code put} streams with memory bounded by two parts ({@link S3StoreOptions#partSize()}: one
 * being sent while the next fills), and the object becomes visible only when complete; a failed
 * multipart upload is aborted.
 * {@code open} answers empty only for a missing key; any other failure (unreachable, access
 * denied, 5xx after the SDK's retries) is an {@link StorageException} naming bucket, key and cause.
 */
public final class S3ObjectStore implements ObjectStore, AutoCloseable {

    public static final String CONTENT_TYPE = "application/gzip";

    private final S3Client s3;
    private final String bucket;
    private final int partSize;
    private final String service;
    private final S3FailureTranslator failures;
    /** Sends parts while their writers fill the next: one thread per upload in progress, idle ones end. */
    private final ExecutorService partUploads = Executors.newCachedThreadPool(runnable -> {
        var thread = new Thread(runnable, "s3-part-upload");
        thread.setDaemon(true);
        return thread;
    });

    /**
     * An archive on a client the caller built; {@code service} describes the S3 in messages, e.g.
     * {@code S3 at http://minio:9000}. The archive closes the client in {@link #close()}.
     */
    public S3ObjectStore(S3Client s3, String bucket, int partSize, String service) {
        if (partSize < S3StoreOptions.MIN_PART_SIZE) {
            throw new IllegalArgumentException("partSize must be at least " + S3StoreOptions.MIN_PART_SIZE + " bytes");
        }
        this.s3 = s3;
        this.bucket = bucket;
        this.partSize = partSize;
        this.service = service;
        this.failures = new S3FailureTranslator(bucket, service);
    }

    /** The archive an {@code archive} block of type {@code s3} describes, with its own client. */
    public static S3ObjectStore create(ArchiveConfig config, S3StoreOptions options) {
        S3Client client = S3ClientFactory.build(config, options);
        String service = config.endpoint() != null
                ? "S3 at " + config.endpoint()
                : "S3 in " + client.serviceClientConfiguration().region();
        return new S3ObjectStore(client, config.bucket(), options.partSize(), service);
    }

    @Override
    public void put(String key, ContentWriter content) {
        var out = new S3PartUploadStream(s3, bucket, key, CONTENT_TYPE, partSize, failures, partUploads);
        try {
            content.writeTo(out);
            out.close();
        } catch (IOException e) {
            out.abort(e);
            StorageException archiveFailure = archiveFailureIn(e);
            if (archiveFailure != null) {
                throw archiveFailure;
            }
            throw new UncheckedIOException("writing s3://" + bucket + "/" + key
                    + " failed: the content could not be produced (" + e.getMessage() + ")", e);
        } catch (RuntimeException | Error e) {
            out.abort(e);
            StorageException archiveFailure = archiveFailureIn(e);
            if (archiveFailure != null) {
                throw archiveFailure;
            }
            throw e;
        }
    }

    @Override
    public Optional<InputStream> open(String key) {
        try {
            return Optional.of(new AbortOnEarlyClose(s3.getObject(r -> r.bucket(bucket).key(key))));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (SdkException e) {
            throw failures.translate("reading", key, e);
        }
    }

    /** A ranged GET: the bytes before {@code offset} are never transferred. */
    @Override
    public Optional<InputStream> open(String key, long offset) {
        if (offset <= 0) {
            return open(key);
        }
        try {
            return Optional.of(new AbortOnEarlyClose(s3.getObject(r -> r.bucket(bucket).key(key).range("bytes=" + offset + "-"))));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (SdkException e) {
            throw failures.translate("reading", key, e);
        }
    }

    @Override
    public void delete(String key) {
        try {
            s3.deleteObject(r -> r.bucket(bucket).key(key));
        } catch (NoSuchKeyException e) {
            // S3 answers 204 for a missing key; some compatible stores answer 404. Either way it is gone.
        } catch (SdkException e) {
            throw failures.translate("deleting", key, e);
        }
    }

    /** E.g. {@code s3://my-stroem-logs (S3 at http://minio:9000)}. */
    @Override
    public String describe() {
        return "s3://" + bucket + " (" + service + ")";
    }

    @Override
    public void close() {
        partUploads.shutdown();
        s3.close();
    }

    /** The StorageException an S3 failure put somewhere in {@code e}'s causes, however the writer wrapped it. */
    private static StorageException archiveFailureIn(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof S3PartUploadStream.UploadFailedException upload) {
                return upload.archiveException();
            }
            if (t instanceof StorageException archive) {
                return archive;
            }
        }
        return null;
    }

    /**
     * Closing an object stream before its end would make the HTTP client read the rest to reuse
     * the connection (megabytes for a large log); aborting drops the connection instead.
     */
    private static final class AbortOnEarlyClose extends FilterInputStream {
        private final ResponseInputStream<GetObjectResponse> response;
        private boolean ended;

        AbortOnEarlyClose(ResponseInputStream<GetObjectResponse> response) {
            super(response);
            this.response = response;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            ended |= b < 0;
            return b;
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            int n = super.read(bytes, offset, length);
            ended |= n < 0;
            return n;
        }

        @Override
        public void close() throws IOException {
            if (!ended) {
                response.abort();
            }
            super.close();
        }
    }
}
