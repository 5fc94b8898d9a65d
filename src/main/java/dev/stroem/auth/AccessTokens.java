package dev.stroem.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Access tokens: JWTs signed with HMAC-SHA256 (Nimbus JOSE+JWT), valid for 15 minutes. Verification
 * accepts HS256 only (a token naming {@code none}, RS256 or anything else is refused before its
 * signature is looked at), our issuer and type only, and requires {@code sub}, {@code iat} and
 * {@code exp}.
 *
 * <p>The signing key is SHA-256 of {@code auth.jwt_secret}: HS256 needs 256 bits, and the
 * original's configs carry secrets of any length ("your-jwt-secret").
 */
public final class AccessTokens {
    public static final Duration TTL = Duration.ofMinutes(15);
    static final String ISSUER = "stroem";
    private static final JOSEObjectType TYPE = new JOSEObjectType("at+jwt");

    private final byte[] key;
    private final Clock clock;
    private final DefaultJWTProcessor<SecurityContext> processor;

    public AccessTokens(String jwtSecret, Clock clock) {
        this.key = sha256(jwtSecret);
        this.clock = clock;
        this.processor = new DefaultJWTProcessor<>();
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(TYPE));
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.HS256, new ImmutableSecret<>(key)));
        var claims = new DefaultJWTClaimsVerifier<>(new JWTClaimsSet.Builder().issuer(ISSUER).build(),
                Set.of("sub", "iat", "exp", "email")) {
            @Override
            protected Date currentTime() {
                return Date.from(clock.instant());
            }
        };
        // Our own tokens, verified by the server that signed them: no clock skew to allow for.
        claims.setMaxClockSkew(0);
        processor.setJWTClaimsSetVerifier(claims);
    }

    /** A signed access token for {@code user} (its admin flag and groups as of now). */
    public String issue(User user, List<String> groups) {
        var now = clock.instant();
        var claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .subject(user.userId())
                .claim("email", user.email())
                .claim("name", user.name())
                .claim("adm", user.admin())
                .claim("grp", groups)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(TTL)))
                .jwtID(UUID.randomUUID().toString())
                .build();
        var jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(TYPE).build(), claims);
        try {
            jwt.sign(new MACSigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign an access token", e);
        }
        return jwt.serialize();
    }

    /** The principal a valid token stands for; empty for anything else (malformed, forged, expired). */
    public Optional<Principal> verify(String token) {
        try {
            JWTClaimsSet claims = processor.process(token, null);
            var groups = new LinkedHashSet<String>();
            List<String> listed = claims.getStringListClaim("grp");
            if (listed != null) {
                groups.addAll(listed);
            }
            Boolean admin = claims.getBooleanClaim("adm");
            return Optional.of(new Principal(claims.getSubject(), claims.getStringClaim("email"),
                    claims.getStringClaim("name"), admin != null && admin, Set.copyOf(groups), Principal.Kind.ACCESS_TOKEN));
        } catch (ParseException | BadJOSEException | JOSEException e) {
            return Optional.empty();
        }
    }

    /** True when {@code token} has the shape of a JWT (three dot-separated parts), as opposed to an API key. */
    static boolean looksLikeJwt(String token) {
        return token.chars().filter(c -> c == '.').count() == 2;
    }

    static byte[] sha256(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
