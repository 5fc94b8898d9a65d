package dev.stroem.auth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.GeneralException;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import dev.stroem.config.AuthProviderConfig;
import java.io.IOException;
import java.net.URI;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Strøm as the client of one configured OpenID Connect provider (Nimbus OAuth 2.0 SDK): discovery
 * on first use (retried on the next sign-in when it fails), the authorization request (code flow
 * with state, nonce and PKCE S256), the code exchange and the ID token check (issuer, audience,
 * expiry, nonce and a signature from the provider's JWKS; only asymmetric algorithms, never HS*
 * or {@code none}).
 */
public final class OidcProvider {
    private static final Logger log = LoggerFactory.getLogger(OidcProvider.class);
    private static final int TIMEOUT_MILLIS = 10_000;
    private static final int JWKS_SIZE_LIMIT = 512 * 1024;
    static final String UNREACHABLE = "the sign-in provider could not be reached; try again later";

    /** What the provider says about who signed in; {@code emailVerified} is null when it says nothing. */
    public record Identity(String subject, String email, Boolean emailVerified, String name) {}

    private record Discovered(OIDCProviderMetadata metadata, IDTokenValidator validator) {}

    private final String id;
    private final AuthProviderConfig config;
    private final URI redirectUri;
    private volatile Discovered discovered;

    public OidcProvider(String id, AuthProviderConfig config, String baseUrl) {
        this.id = id;
        this.config = config;
        this.redirectUri = URI.create(baseUrl.replaceAll("/+$", "") + "/api/auth/oidc/" + id + "/callback");
    }

    public String id() {
        return id;
    }

    public List<String> defaultGroups() {
        return config.defaultGroupsOrEmpty();
    }

    /** Where the browser goes to sign in at the provider. */
    URI authorizationUri(String state, String nonce, String verifier) {
        var metadata = discover().metadata();
        return new AuthenticationRequest.Builder(ResponseType.CODE, new Scope("openid", "email", "profile"),
                new ClientID(config.clientId()), redirectUri)
                .endpointURI(metadata.getAuthorizationEndpointURI())
                .state(new State(state))
                .nonce(new Nonce(nonce))
                .codeChallenge(new CodeVerifier(verifier), CodeChallengeMethod.S256)
                .build()
                .toURI();
    }

    /** Exchanges the code for tokens and checks the ID token; an {@link AuthException} says what failed. */
    Identity exchange(String code, String verifier, String expectedNonce) {
        var found = discover();
        var grant = new AuthorizationCodeGrant(new AuthorizationCode(code), redirectUri, new CodeVerifier(verifier));
        var request = new TokenRequest(found.metadata().getTokenEndpointURI(), clientAuthentication(found.metadata()), grant);
        OIDCTokenResponse tokens;
        try {
            var http = request.toHTTPRequest();
            http.setConnectTimeout(TIMEOUT_MILLIS);
            http.setReadTimeout(TIMEOUT_MILLIS);
            var response = OIDCTokenResponseParser.parse(http.send());
            if (!response.indicatesSuccess()) {
                var error = response.toErrorResponse().getErrorObject();
                log.warn("OIDC provider {} refused the code exchange: {} {}", id, error.getCode(), error.getDescription());
                throw AuthException.unauthenticated("the sign-in provider refused the sign-in ("
                        + (error.getCode() == null ? "no reason given" : error.getCode()) + ")");
            }
            tokens = (OIDCTokenResponse) response.toSuccessResponse();
        } catch (IOException | ParseException | ClassCastException e) {
            log.warn("OIDC provider {}: code exchange failed: {}", id, e.toString());
            throw AuthException.unauthenticated(UNREACHABLE);
        }
        var idToken = tokens.getOIDCTokens().getIDToken();
        if (idToken == null) {
            throw AuthException.unauthenticated("the sign-in provider sent no ID token");
        }
        try {
            var claims = found.validator().validate(idToken, new Nonce(expectedNonce));
            Object verified = claims.getClaim("email_verified");
            Boolean emailVerified = verified instanceof Boolean b ? b
                    : verified instanceof String s ? Boolean.valueOf(s.equalsIgnoreCase("true")) : null;
            return new Identity(claims.getSubject().getValue(), claims.getStringClaim("email"), emailVerified,
                    claims.getStringClaim("name"));
        } catch (BadJOSEException | JOSEException e) {
            // The reason goes to the log only: the browser is told no more than that the token was bad.
            log.warn("OIDC provider {}: ID token refused: {}", id, e.getMessage());
            throw AuthException.unauthenticated("the sign-in provider's ID token was not valid for this server");
        }
    }

    private ClientAuthentication clientAuthentication(OIDCProviderMetadata metadata) {
        var clientId = new ClientID(config.clientId());
        var secret = new Secret(config.clientSecret());
        var methods = metadata.getTokenEndpointAuthMethods();
        // client_secret_basic is the default when the provider names none.
        if (methods != null && !methods.contains(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                && methods.contains(ClientAuthenticationMethod.CLIENT_SECRET_POST)) {
            return new ClientSecretPost(clientId, secret);
        }
        return new ClientSecretBasic(clientId, secret);
    }

    private Discovered discover() {
        var known = discovered;
        if (known != null) {
            return known;
        }
        synchronized (this) {
            if (discovered == null) {
                discovered = load();
            }
            return discovered;
        }
    }

    private Discovered load() {
        try {
            var issuer = new Issuer(config.issuerUrl());
            var metadata = OIDCProviderMetadata.resolve(issuer, TIMEOUT_MILLIS, TIMEOUT_MILLIS);
            var algorithms = new LinkedHashSet<JWSAlgorithm>();
            if (metadata.getIDTokenJWSAlgs() != null) {
                // Only signatures made with the provider's private key: an HMAC would be keyed with the
                // client secret, and "none" is no signature at all.
                metadata.getIDTokenJWSAlgs().stream().filter(JWSAlgorithm.Family.SIGNATURE::contains).forEach(algorithms::add);
            }
            if (algorithms.isEmpty()) {
                algorithms.add(JWSAlgorithm.RS256);
            }
            var jwks = JWKSourceBuilder.<SecurityContext>create(metadata.getJWKSetURI().toURL(),
                    new DefaultResourceRetriever(TIMEOUT_MILLIS, TIMEOUT_MILLIS, JWKS_SIZE_LIMIT)).build();
            var validator = new IDTokenValidator(metadata.getIssuer(), new ClientID(config.clientId()),
                    new JWSVerificationKeySelector<>(Set.copyOf(algorithms), jwks), null);
            log.info("OIDC provider {}: discovered {} (ID token algorithms {})", id, metadata.getIssuer(), algorithms);
            return new Discovered(metadata, validator);
        } catch (GeneralException | IOException | IllegalArgumentException | NullPointerException e) {
            log.warn("OIDC provider {}: discovery at {} failed: {}", id, config.issuerUrl(), e.toString());
            throw AuthException.unauthenticated(UNREACHABLE);
        }
    }
}
