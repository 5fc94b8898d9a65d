package dev.stroem.storage;

import static org.awaitility.Awaitility.await;

import dev.stroem.config.ArchiveConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real S3 server for tests: S3Proxy in-process on a free loopback port, over HTTP, with SigV4
 * (and V2) authentication, backed by jclouds' in-memory {@code transient} store or the
 * {@code filesystem} store under a directory.
 *
 * <p>Use it as {@code @RegisterExtension static final S3ProxyServer S3 = new S3ProxyServer();}
 * (started before the class's tests, stopped after) or by hand with {@link #start()} and
 * {@link #stop()} / try-with-resources.
 *
 * <p><b>Credentials.</b> Once a server started, the JVM's system properties {@code aws.accessKeyId}
 * and {@code aws.secretAccessKey} hold {@link #ACCESS_KEY}/{@link #SECRET_KEY}. The code under test
 * builds its client with the SDK's default credential chain, whose first link reads exactly those
 * properties and whose second reads {@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY}: it is
 * the same chain production uses with environment variables, entered one link earlier because a
 * JVM cannot set its own environment. A server made {@link #withCredentials} expects other keys,
 * so the chain's keys are refused by it: that is how tests get "access denied" for real.
 * {@code aws.disableEc2Metadata} is set too, so no test ever asks the instance metadata address.
 */
public final class S3ProxyServer implements BeforeAllCallback, AfterAllCallback, AutoCloseable {

    public static final String ACCESS_KEY = "stroem-test-access-key";
    public static final String SECRET_KEY = "stroem-test-secret-key";
    public static final String REGION = "us-east-1";

    private static final Map<String, String> SDK_PROPERTIES = Map.of(
            "aws.accessKeyId", ACCESS_KEY,
            "aws.secretAccessKey", SECRET_KEY,
            "aws.disableEc2Metadata", "true");

    private final String expectedAccessKey;
    private final String expectedSecretKey;
    private final Path filesystemDir;

    private BlobStoreContext context;
    private S3Proxy proxy;
    private URI endpoint;

    /** An in-memory server that accepts {@link #ACCESS_KEY}/{@link #SECRET_KEY}. */
    public S3ProxyServer() {
        this(ACCESS_KEY, SECRET_KEY, null);
    }

    private S3ProxyServer(String accessKey, String secretKey, Path filesystemDir) {
        this.expectedAccessKey = accessKey;
        this.expectedSecretKey = secretKey;
        this.filesystemDir = filesystemDir;
    }

    /** The same server, but it accepts only these keys (the SDK side still presents {@link #ACCESS_KEY}). */
    public S3ProxyServer withCredentials(String accessKey, String secretKey) {
        return new S3ProxyServer(accessKey, secretKey, filesystemDir);
    }

    /** The same server, storing objects as files under {@code dir} (jclouds {@code filesystem}) instead of in memory. */
    public S3ProxyServer withFilesystemStore(Path dir) {
        return new S3ProxyServer(expectedAccessKey, expectedSecretKey, dir);
    }

    /**
     * Starts the server on a free port of 127.0.0.1, or, when it ran before, on the port it had
     * (clients configured with its endpoint reach it again: an outage that ends); answers this
     * server for chaining. A {@link #withFilesystemStore filesystem} store still holds its objects
     * after a restart, a transient one starts empty.
     */
    public S3ProxyServer start() {
        if (proxy != null) {
            throw new IllegalStateException("S3ProxyServer is already running at " + endpoint);
        }
        installSdkProperties();
        try {
            context = blobStoreContext();
            proxy = S3Proxy.builder()
                    .blobStore(context.getBlobStore())
                    .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, expectedAccessKey, expectedSecretKey)
                    .endpoint(URI.create("http://127.0.0.1:" + (endpoint == null ? 0 : endpoint.getPort())))
                    .build();
            proxy.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> "STARTED".equals(proxy.getState()));
            endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
            return this;
        } catch (Exception e) {
            stop();
            throw new IllegalStateException("S3Proxy did not start: " + e.getMessage(), e);
        }
    }

    /** Stops the server (its port then refuses connections) and drops the stored objects of a transient store. */
    public void stop() {
        try {
            if (proxy != null) {
                proxy.stop();
            }
        } catch (Exception e) {
            throw new IllegalStateException("S3Proxy did not stop: " + e.getMessage(), e);
        } finally {
            proxy = null;
            if (context != null) {
                context.close();
                context = null;
            }
        }
    }

    public boolean isRunning() {
        return proxy != null;
    }

    /** {@code http://127.0.0.1:PORT}; still answers the last endpoint after {@link #stop()}. */
    public URI endpoint() {
        if (endpoint == null) {
            throw new IllegalStateException("S3ProxyServer was never started");
        }
        return endpoint;
    }

    public String accessKey() {
        return expectedAccessKey;
    }

    public String secretKey() {
        return expectedSecretKey;
    }

    public String region() {
        return REGION;
    }

    /** Creates {@code bucket} (idempotent). */
    public void createBucket(String bucket) {
        blobStore().createContainerInLocation(null, bucket);
    }

    /** The store behind the server, to look at what arrived without going through the code under test. */
    public BlobStore blobStore() {
        if (context == null) {
            throw new IllegalStateException("S3ProxyServer is not running");
        }
        return context.getBlobStore();
    }

    /** The {@code log_storage.archive} block a user would write for this server. */
    public ArchiveConfig archiveConfig(String bucket, String prefix) {
        return new ArchiveConfig(ArchiveConfig.TYPE_S3, bucket, REGION, prefix, endpoint().toString(), null);
    }

    @Override
    public void beforeAll(ExtensionContext extensionContext) {
        start();
    }

    @Override
    public void afterAll(ExtensionContext extensionContext) {
        stop();
    }

    @Override
    public void close() {
        stop();
    }

    private BlobStoreContext blobStoreContext() {
        if (filesystemDir == null) {
            return ContextBuilder.newBuilder("transient")
                    .credentials(expectedAccessKey, expectedSecretKey)
                    .build(BlobStoreContext.class);
        }
        var overrides = new Properties();
        overrides.setProperty("jclouds.filesystem.basedir", filesystemDir.toString());
        return ContextBuilder.newBuilder("filesystem")
                .credentials(expectedAccessKey, expectedSecretKey)
                .overrides(overrides)
                .build(BlobStoreContext.class);
    }

    /**
     * Always the same values and never removed: a stopped server must still be asked with these
     * keys (so a test sees "unreachable", not "no credentials"), and several servers may run at once.
     */
    private static void installSdkProperties() {
        SDK_PROPERTIES.forEach(System::setProperty);
    }
}
