package dev.stroem.storage;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Tuning of the S3 archive: part size of streamed uploads, HTTP timeouts, retries. The defaults
 * suit a server; tests shorten the timeouts.
 *
 * @param partSize              bytes buffered per upload part; a put holds at most two (one being
 *                              sent while the next fills), which bounds its memory
 *                              (S3 needs at least 5 MiB for every part but the last)
 * @param connectTimeout        TCP connect; an unreachable endpoint fails after this
 * @param socketTimeout         longest silence while reading a response, including an open
 *                              object's stream, which the API call timeouts do not cover
 * @param apiCallAttemptTimeout one HTTP attempt, long enough to send a whole part on a slow link
 * @param apiCallTimeout        one call with all its retries and back-off
 * @param maxAttempts           attempts per call, the SDK's standard retry strategy with back-off
 *                              (throttling, 5xx, connection errors)
 * @param interceptors          observers of the SDK's requests (metrics, tests)
 */
public record S3StoreOptions(
        int partSize,
        Duration connectTimeout,
        Duration socketTimeout,
        Duration apiCallAttemptTimeout,
        Duration apiCallTimeout,
        int maxAttempts,
        List<ExecutionInterceptor> interceptors) {

    public static final int MIN_PART_SIZE = 5 * 1024 * 1024;
    public static final int DEFAULT_PART_SIZE = 8 * 1024 * 1024;

    public S3StoreOptions {
        if (partSize < MIN_PART_SIZE) {
            throw new IllegalArgumentException("partSize must be at least " + MIN_PART_SIZE + " bytes (S3's minimum part size), got " + partSize);
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
        }
        interceptors = List.copyOf(interceptors);
    }

    /**
     * 8 MiB parts; connect 5 s; 60 s read silence; 3 min per attempt (an 8 MiB part at ~50 KB/s);
     * 10 min per call; 3 attempts (the SDK's standard).
     */
    public static S3StoreOptions defaults() {
        return new S3StoreOptions(DEFAULT_PART_SIZE, Duration.ofSeconds(5), Duration.ofSeconds(60),
                Duration.ofMinutes(3), Duration.ofMinutes(10), 3, List.of());
    }

    public S3StoreOptions withPartSize(int bytes) {
        return new S3StoreOptions(bytes, connectTimeout, socketTimeout, apiCallAttemptTimeout, apiCallTimeout,
                maxAttempts, interceptors);
    }

    public S3StoreOptions withTimeouts(Duration connect, Duration socket, Duration attempt, Duration call) {
        return new S3StoreOptions(partSize, connect, socket, attempt, call, maxAttempts, interceptors);
    }

    public S3StoreOptions withMaxAttempts(int attempts) {
        return new S3StoreOptions(partSize, connectTimeout, socketTimeout, apiCallAttemptTimeout, apiCallTimeout,
                attempts, interceptors);
    }

    public S3StoreOptions withInterceptor(ExecutionInterceptor interceptor) {
        var all = new ArrayList<>(interceptors);
        all.add(interceptor);
        return new S3StoreOptions(partSize, connectTimeout, socketTimeout, apiCallAttemptTimeout, apiCallTimeout,
                maxAttempts, all);
    }
}
