package dev.stroem.storage;

import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Turns the SDK's exceptions into one {@link StorageException} sentence naming bucket, key and cause. */
final class S3FailureTranslator {

    private final String bucket;
    private final String service;

    /** {@code service} says which S3, e.g. {@code S3 at http://minio:9000} or {@code S3 in eu-west-1}. */
    S3FailureTranslator(String bucket, String service) {
        this.bucket = bucket;
        this.service = service;
    }

    StorageException translate(String action, String key, SdkException e) {
        String object = action + " s3://" + bucket + "/" + key + " failed: ";
        if (e instanceof S3Exception s3) {
            String code = s3.awsErrorDetails() == null ? null : s3.awsErrorDetails().errorCode();
            String detail = code == null ? firstLine(s3.getMessage()) : code + ": " + firstLine(s3.awsErrorDetails().errorMessage());
            String cause = switch (s3.statusCode()) {
                case 401, 403 -> "access denied";
                case 404 -> "NoSuchBucket".equals(code) ? "the bucket does not exist" : "not found";
                default -> service + " answered HTTP " + s3.statusCode();
            };
            return new StorageException(object + cause + " (" + detail + ")", e);
        }
        if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException) {
            return new StorageException(object + service + " did not answer in time (" + firstLine(e.getMessage()) + ")", e);
        }
        if (e instanceof SdkClientException) {
            return new StorageException(object + service + " is unreachable (" + firstLine(e.getMessage()) + ")", e);
        }
        return new StorageException(object + firstLine(e.getMessage()), e);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "no detail";
        }
        int newline = message.indexOf('\n');
        return (newline < 0 ? message : message.substring(0, newline)).strip();
    }
}
