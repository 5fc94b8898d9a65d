package dev.stroem.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code retry} on actions, steps and tasks: which one applies, its defaults and limits, and its delays. */
class RetryLoadingTest {
    @TempDir
    Path dir;

    @Test
    void aStepsRetryWinsOverItsActionsAndATaskHasItsOwn() {
        var ws = new WorkflowFixture(dir).file("a.yaml", """
                actions:
                  flaky:
                    type: script
                    script: exit 1
                    retry: { max_attempts: 2 }
                tasks:
                  t:
                    retry: { max_attempts: 4, delay: 1m, backoff: exponential, jitter: true }
                    flow:
                      inherits: { action: flaky }
                      overrides:
                        action: flaky
                        retry: { max_attempts: 5, delay: 0s }
                      plain: { type: script, script: echo }
                """);
        assertThat(ws.problems()).isEmpty();
        var task = ws.load().task("t").orElseThrow();

        assertThat(task.retry()).isEqualTo(new RetryPolicy(4, 60, "exponential", true));
        assertThat(task.step("inherits").orElseThrow().retry()).isEqualTo(new RetryPolicy(2, 30, "fixed", false));
        assertThat(task.step("overrides").orElseThrow().retry()).isEqualTo(new RetryPolicy(5, 0, "fixed", false));
        assertThat(task.step("plain").orElseThrow().retry()).isNull();
    }

    @Test
    void outOfBoundsRetriesAreLoadErrors() {
        var ws = new WorkflowFixture(dir).file("a.yaml", """
                tasks:
                  t:
                    retry: { max_attempts: 11 }
                    flow:
                      s:
                        type: script
                        script: echo
                        retry: { delay: 2h, backoff: linear, tries: 3 }
                """);

        assertThat(ws.problems()).containsExactlyInAnyOrder(
                ".workflows/a.yaml: t: 'retry.max_attempts' is 11; it must be from 1 to 10",
                ".workflows/a.yaml: t/s: 'retry': unknown field 'tries' (known: backoff, delay, jitter, max_attempts)",
                ".workflows/a.yaml: t/s: 'retry.delay': delay 2h exceeds the maximum of 1h",
                ".workflows/a.yaml: t/s: 'retry.backoff' is 'linear'; it must be 'fixed' or 'exponential'");
    }

    @Test
    void delaysGrowExponentiallyUpToSixtyFourTimesAndJitterStaysWithinAQuarter() {
        RandomGenerator random = new java.util.SplittableRandom(1);
        assertThat(RetryPolicy.delayMillis(5, "fixed", false, 3, random)).isEqualTo(5_000);
        assertThat(RetryPolicy.delayMillis(5, "exponential", false, 1, random)).isEqualTo(5_000);
        assertThat(RetryPolicy.delayMillis(5, "exponential", false, 4, random)).isEqualTo(40_000);
        assertThat(RetryPolicy.delayMillis(5, "exponential", false, 9, random)).isEqualTo(320_000);
        for (int i = 0; i < 100; i++) {
            assertThat(RetryPolicy.delayMillis(10, "fixed", true, 1, random)).isBetween(7_500L, 12_500L);
        }
    }
}
