package dev.stroem.storage;

import dev.stroem.config.ArchiveConfig;
import java.net.URI;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * Builds the synchronous S3 client for an {@code archive} block: the default credential chain
 * (system properties, environment variables, web identity, {@code ~/.aws} profiles, container
 * and instance roles), the configured region, and for a custom {@code endpoint} the settings
 * S3-compatible stores need.
 */
final class S3ClientFactory {

    /** What S3-compatible stores (MinIO, Ceph, S3Proxy) assume when asked about a region at all. */
    static final Region REGION_FOR_CUSTOM_ENDPOINTS = Region.US_EAST_1;

    private S3ClientFactory() {}

    static S3Client build(ArchiveConfig config, S3StoreOptions options) {
        // No credentialsProvider(...): the client then uses the SDK's default chain and owns (and closes) it.
        S3ClientBuilder builder = S3Client.builder()
                .region(region(config))
                .httpClientBuilder(Apache5HttpClient.builder()
                        .connectionTimeout(options.connectTimeout())
                        .socketTimeout(options.socketTimeout()))
                .overrideConfiguration(o -> {
                    o.apiCallAttemptTimeout(options.apiCallAttemptTimeout())
                            .apiCallTimeout(options.apiCallTimeout())
                            .retryStrategy(r -> r.maxAttempts(options.maxAttempts()));
                    options.interceptors().forEach(o::addExecutionInterceptor);
                });
        if (config.endpoint() != null) {
            // S3-compatible stores serve buckets by path, not by virtual host, and may reject the
            // newer default x-amz-checksum-crc32 headers and trailers (S3Proxy answers 400/501):
            // checksums only where an operation requires them.
            builder.endpointOverride(URI.create(config.endpoint()))
                    .forcePathStyle(true)
                    .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        }
        return builder.build();
    }

    /**
     * The configured region; for a custom endpoint without one, us-east-1 (S3-compatible stores
     * ignore it or expect exactly that); for AWS without one, the SDK's region chain
     * (AWS_REGION, aws.region, profile, instance metadata).
     */
    private static Region region(ArchiveConfig config) {
        if (config.region() != null && !config.region().isBlank()) {
            return Region.of(config.region());
        }
        if (config.endpoint() != null) {
            return REGION_FOR_CUSTOM_ENDPOINTS;
        }
        try {
            return new DefaultAwsRegionProviderChain().getRegion();
        } catch (SdkClientException e) {
            throw new StorageException("The S3 archive s3://" + config.bucket()
                    + " has no region: set log_storage.archive.region or the AWS_REGION environment variable.", e);
        }
    }
}
