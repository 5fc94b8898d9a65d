package dev.stroem.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * How bearer secrets are stored: a keyed hash (HMAC-SHA256 with a server secret, for refresh
 * tokens) or a plain SHA-256 (API keys, as the original stores them). Raw values are random and
 * long, so no salt or slow hash is needed; a stolen table alone gives nothing to present.
 */
final class SecretHash {
    private final byte[] key;

    private SecretHash(byte[] key) {
        this.key = key;
    }

    static SecretHash keyed(String secret) {
        return new SecretHash(secret.getBytes(StandardCharsets.UTF_8));
    }

    static SecretHash unkeyed() {
        return new SecretHash(null);
    }

    String of(String raw) {
        try {
            byte[] bytes = raw.getBytes(StandardCharsets.UTF_8);
            if (key == null) {
                return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
            }
            var mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(bytes));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 and HmacSHA256 are part of every Java runtime", e);
        }
    }
}
