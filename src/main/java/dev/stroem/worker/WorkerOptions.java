package dev.stroem.worker;

import java.time.Duration;

/**
 * The worker's timings that are not in its config file.
 *
 * @param shutdownGrace how long running steps may go on after a shutdown began before they are killed
 * @param shutdownShipTimeout how long, after the steps ended, the worker keeps sending their logs and
 *     completions before it spools what is left and exits
 * @param killGrace between SIGTERM and SIGKILL of a step's process tree
 * @param cancelPollInterval how often a running step's job is checked for cancellation
 * @param requestTimeout how long one worker API call may wait for its answer
 * @param initialBackoff first pause after a failed call to the server
 * @param maxBackoff longest pause between calls to an unreachable server
 * @param shipper batching and buffering of log lines
 */
public record WorkerOptions(
        Duration shutdownGrace,
        Duration shutdownShipTimeout,
        Duration killGrace,
        Duration cancelPollInterval,
        Duration requestTimeout,
        Duration initialBackoff,
        Duration maxBackoff,
        ShipperSettings shipper) {

    public static WorkerOptions defaults() {
        return new WorkerOptions(Duration.ofSeconds(30), Duration.ofSeconds(15), Duration.ofSeconds(5),
                Duration.ofSeconds(2), Duration.ofSeconds(30), Duration.ofMillis(200), Duration.ofSeconds(10),
                ShipperSettings.defaults());
    }

    public WorkerOptions withShutdownGrace(Duration grace) {
        return new WorkerOptions(grace, shutdownShipTimeout, killGrace, cancelPollInterval, requestTimeout,
                initialBackoff, maxBackoff, shipper);
    }

    public WorkerOptions withRequestTimeout(Duration timeout) {
        return new WorkerOptions(shutdownGrace, shutdownShipTimeout, killGrace, cancelPollInterval, timeout,
                initialBackoff, maxBackoff, shipper);
    }

    public WorkerOptions withShutdownShipTimeout(Duration timeout) {
        return new WorkerOptions(shutdownGrace, timeout, killGrace, cancelPollInterval, requestTimeout,
                initialBackoff, maxBackoff, shipper);
    }
}
