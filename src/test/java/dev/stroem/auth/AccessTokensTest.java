package dev.stroem.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.stroem.jobs.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Access tokens verify only as HS256 tokens of ours, signed with our key, and only for 15 minutes. */
class AccessTokensTest {
    private final MutableClock clock = new MutableClock();
    private final AccessTokens tokens = new AccessTokens("your-jwt-secret", clock);
    private final User alice = new User("u-1", "alice@example.com", "Alice", null, false, Instant.EPOCH);

    @Test
    void aTokenCarriesTheUserAndExpiresAfterFifteenMinutes() {
        String token = tokens.issue(alice, List.of("devops"));
        var who = tokens.verify(token).orElseThrow();
        assertThat(who.userId()).isEqualTo("u-1");
        assertThat(who.email()).isEqualTo("alice@example.com");
        assertThat(who.groups()).containsExactly("devops");
        assertThat(who.admin()).isFalse();
        assertThat(who.kind()).isEqualTo(Principal.Kind.ACCESS_TOKEN);
        clock.advance(Duration.ofMinutes(14));
        assertThat(tokens.verify(token)).isPresent();
        clock.advance(Duration.ofMinutes(1));
        assertThat(tokens.verify(token)).isEmpty();
    }

    @Test
    void anotherServersSecretDoesNotVerify() {
        var other = new AccessTokens("another-secret", clock);
        assertThat(tokens.verify(other.issue(alice, List.of()))).isEmpty();
    }

    @Test
    void theAlgorithmIsPinned() throws Exception {
        var claims = new JWTClaimsSet.Builder().issuer(AccessTokens.ISSUER).subject("u-1").claim("email", "a@b")
                .claim("adm", true).issueTime(Date.from(clock.instant()))
                .expirationTime(Date.from(clock.instant().plusSeconds(600))).build();
        var type = new JOSEObjectType("at+jwt");
        // alg "none"
        assertThat(tokens.verify(new PlainJWT(claims).serialize())).isEmpty();
        // HS512 with the same key material
        var hs512 = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS512).type(type).build(), claims);
        byte[] doubled = new byte[64];
        System.arraycopy(AccessTokens.sha256("your-jwt-secret"), 0, doubled, 0, 32);
        System.arraycopy(AccessTokens.sha256("your-jwt-secret"), 0, doubled, 32, 32);
        hs512.sign(new MACSigner(doubled));
        assertThat(tokens.verify(hs512.serialize())).isEmpty();
        // RS256 by anyone with a key pair
        var rsa = new RSAKeyGenerator(2048).generate();
        var rs256 = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(type).build(), claims);
        rs256.sign(new RSASSASigner(rsa));
        assertThat(tokens.verify(rs256.serialize())).isEmpty();
        // HS256 with our key but without our type header: not one of our access tokens
        var untyped = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(), claims);
        untyped.sign(new MACSigner(AccessTokens.sha256("your-jwt-secret")));
        assertThat(tokens.verify(untyped.serialize())).isEmpty();
        // The same, typed: accepted (the test's token is well-formed, so the refusals above are about alg and type)
        var typed = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(type).build(), claims);
        typed.sign(new MACSigner(AccessTokens.sha256("your-jwt-secret")));
        assertThat(tokens.verify(typed.serialize())).isPresent();
    }

    @Test
    void garbageIsRefusedWithoutAnException() {
        for (String bad : new String[] {"", "a.b.c", "eyJhbGciOiJIUzI1NiJ9..", "not a token"}) {
            assertThat(tokens.verify(bad)).as(bad).isEmpty();
        }
    }
}
