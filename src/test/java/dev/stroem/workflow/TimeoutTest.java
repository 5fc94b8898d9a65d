package dev.stroem.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TimeoutTest {

    @Test
    void parsesTheOriginalsFormats() {
        assertThat(Timeout.parseSeconds("30s", Timeout.STEP_MAX_SECONDS)).isEqualTo(30);
        assertThat(Timeout.parseSeconds("5m", Timeout.STEP_MAX_SECONDS)).isEqualTo(300);
        assertThat(Timeout.parseSeconds("1h30m", Timeout.STEP_MAX_SECONDS)).isEqualTo(5400);
        assertThat(Timeout.parseSeconds("2h15m30s", Timeout.STEP_MAX_SECONDS)).isEqualTo(8130);
        assertThat(Timeout.parseSeconds(90, Timeout.STEP_MAX_SECONDS)).isEqualTo(90);
        assertThat(Timeout.parseSeconds(" 90 ", Timeout.STEP_MAX_SECONDS)).isEqualTo(90);
        assertThat(Timeout.parseSeconds("7d", Timeout.TASK_MAX_SECONDS)).isEqualTo(604800);
    }

    @Test
    void acceptsExactlyTheMaximum() {
        assertThat(Timeout.parseSeconds("24h", Timeout.STEP_MAX_SECONDS)).isEqualTo(86400);
        assertThat(Timeout.parseSeconds(604800, Timeout.TASK_MAX_SECONDS)).isEqualTo(604800);
    }

    @Test
    void rejectsAnUnknownUnit() {
        assertThatThrownBy(() -> Timeout.parseSeconds("5x", Timeout.STEP_MAX_SECONDS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("timeout '5x' is not a duration; use e.g. 30s, 5m, 1h30m or a number of seconds");
    }

    @Test
    void rejectsMalformedZeroAndNegative() {
        for (Object bad : new Object[] {"", "m5", "1h2", "abc", "1.5h", 1.5, "0", "0s", 0, -5}) {
            assertThatThrownBy(() -> Timeout.parseSeconds(bad, Timeout.STEP_MAX_SECONDS))
                    .as("%s", bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void rejectsMoreThanTheMaximum() {
        assertThatThrownBy(() -> Timeout.parseSeconds("25h", Timeout.STEP_MAX_SECONDS))
                .hasMessage("timeout 25h exceeds the maximum of 24h");
        assertThatThrownBy(() -> Timeout.parseSeconds("8d", Timeout.TASK_MAX_SECONDS))
                .hasMessage("timeout 8d exceeds the maximum of 7d");
        assertThatThrownBy(() -> Timeout.parseSeconds("99999999999999999999999h", Timeout.TASK_MAX_SECONDS))
                .hasMessageContaining("exceeds the maximum of 7d");
    }
}
