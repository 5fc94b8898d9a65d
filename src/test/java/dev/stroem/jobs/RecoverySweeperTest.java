package dev.stroem.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RecoverySweeperTest {

    @Test
    void durationsInEventsAreWrittenLikeWorkflowTimeouts() {
        assertThat(RecoverySweeper.describe(30)).isEqualTo("30s");
        assertThat(RecoverySweeper.describe(90)).isEqualTo("1m30s");
        assertThat(RecoverySweeper.describe(120)).isEqualTo("2m");
        assertThat(RecoverySweeper.describe(3600)).isEqualTo("1h");
        assertThat(RecoverySweeper.describe(5400)).isEqualTo("1h30m");
        assertThat(RecoverySweeper.describe(7 * 86400)).isEqualTo("7d");
        assertThat(RecoverySweeper.describe(86400 + 1)).isEqualTo("1d1s");
    }
}
