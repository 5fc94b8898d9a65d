package dev.stroem.auth;

/** What a login or refresh answers: a 15-minute access token and a 30-day refresh token. */
public record TokenPair(String accessToken, String refreshToken) {
    @Override
    public String toString() {
        return "TokenPair[***]";
    }
}
