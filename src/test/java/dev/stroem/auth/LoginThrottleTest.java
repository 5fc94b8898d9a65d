package dev.stroem.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stroem.jobs.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {
    private final MutableClock clock = new MutableClock();
    private final LoginThrottle throttle = new LoginThrottle(clock, 3, 5);

    @Test
    void anAccountIsBlockedAfterItsFailuresUntilTheWindowPasses() {
        for (int i = 0; i < 3; i++) {
            throttle.check("a@x", "10.0.0.1");
            throttle.failed("A@X", "10.0.0.1");
        }
        assertThatThrownBy(() -> throttle.check("a@x", "10.0.0.2"))
                .isInstanceOfSatisfying(AuthException.class, e -> {
                    assertThat(e.kind()).isEqualTo(AuthException.Kind.TOO_MANY_REQUESTS);
                    assertThat(e.retryAfterSeconds()).isBetween(1L, LoginThrottle.WINDOW.toSeconds());
                    assertThat(e.getMessage()).contains("too many failed logins");
                });
        // Another account from the same address is not blocked by the first one's failures.
        throttle.check("b@x", "10.0.0.1");
        clock.advance(LoginThrottle.WINDOW.plus(Duration.ofSeconds(1)));
        throttle.check("a@x", "10.0.0.1");
    }

    @Test
    void anAddressIsBlockedAfterFailuresAcrossAccounts() {
        for (int i = 0; i < 5; i++) {
            throttle.failed("user" + i + "@x", "10.0.0.9");
        }
        assertThatThrownBy(() -> throttle.check("fresh@x", "10.0.0.9")).isInstanceOf(AuthException.class);
        throttle.check("fresh@x", "10.0.0.10");
    }

    @Test
    void aSuccessClearsTheAccountsCount() {
        throttle.failed("a@x", "1");
        throttle.failed("a@x", "2");
        throttle.succeeded("a@x");
        throttle.failed("a@x", "3");
        throttle.failed("a@x", "4");
        throttle.check("a@x", "5");
    }
}
