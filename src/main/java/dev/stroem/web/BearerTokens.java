package dev.stroem.web;

import io.javalin.http.Context;
import io.javalin.http.UnauthorizedResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

/**
 * Checks {@code Authorization: Bearer <token>} against a set of accepted tokens. Comparison is
 * constant-time so a caller cannot learn a token byte by byte from response times.
 */
final class BearerTokens {
    private final List<byte[]> accepted;
    private final String realm;

    BearerTokens(List<String> tokens, String realm) {
        this.accepted = tokens.stream().map(t -> t.getBytes(StandardCharsets.UTF_8)).toList();
        this.realm = realm;
    }

    boolean isEmpty() {
        return accepted.isEmpty();
    }

    /** Throws 401 unless the request carries an accepted token (header, or {@code token} query parameter when allowed). */
    void require(Context ctx, boolean allowQueryParameter) {
        String presented = presented(ctx, allowQueryParameter);
        if (presented == null) {
            throw new UnauthorizedResponse("missing bearer token: send \"Authorization: Bearer <" + realm + ">\"");
        }
        if (!matches(presented)) {
            throw new UnauthorizedResponse("invalid " + realm);
        }
    }

    boolean matches(String presented) {
        byte[] bytes = presented.getBytes(StandardCharsets.UTF_8);
        boolean ok = false;
        for (byte[] token : accepted) {
            // No early exit: every configured token is compared every time.
            ok |= MessageDigest.isEqual(token, bytes);
        }
        return ok;
    }

    private static String presented(Context ctx, boolean allowQueryParameter) {
        String header = ctx.header("Authorization");
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return header.substring(7).trim();
        }
        if (allowQueryParameter) {
            return ctx.queryParam("token");
        }
        return null;
    }
}
