package dev.stroem.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class PasswordHasherTest {
    private final PasswordHasher hasher = new PasswordHasher(new SecureRandom());

    @Test
    void hashesAreArgon2idPhcStringsThatVerifyOnlyTheirPassword() {
        String hash = hasher.hash("correct horse");
        assertThat(hash).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
        assertThat(hasher.verify("correct horse", hash)).isTrue();
        assertThat(hasher.verify("correct horsE", hash)).isFalse();
        assertThat(hasher.verify("", hash)).isFalse();
        // A fresh salt every time: equal passwords do not give equal hashes.
        assertThat(hasher.hash("correct horse")).isNotEqualTo(hash);
    }

    @Test
    void aHashFromAnotherArgon2ImplementationVerifies() {
        // RFC 9106-style PHC string made by the reference argon2 CLI: echo -n password | argon2 somesalt -id -t 2 -m 16 -p 1
        String reference = "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc";
        assertThat(hasher.verify("password", reference)).isTrue();
        assertThat(hasher.verify("Password", reference)).isFalse();
    }

    @Test
    void malformedOrOtherAlgorithmHashesNeverVerify() {
        for (String bad : new String[] {null, "", "plain", "$argon2i$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA",
                "$argon2id$v=16$m=19456,t=2,p=1$c2FsdA$aGFzaA", "$argon2id$v=19$m=1,t=2,p=1$c2FsdA$aGFzaA",
                "$argon2id$v=19$m=19456,t=2$c2FsdA$aGFzaA", "$argon2id$v=19$m=19456,t=2,p=1$!!!$aGFzaA"}) {
            assertThat(hasher.verify("password", bad)).as(bad).isFalse();
        }
    }
}
