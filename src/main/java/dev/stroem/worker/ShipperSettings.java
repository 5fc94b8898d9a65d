package dev.stroem.worker;

import java.time.Duration;

/**
 * How the {@link LogShipper} batches and buffers.
 *
 * @param maxBatchLines a batch is sent when it holds this many lines
 * @param maxBatchBytes ... or this many bytes of lines
 * @param flushInterval ... or when its first line is this old, so viewers see output live
 * @param memoryBudgetBytes batches waiting for the server beyond this (for the whole worker) go to disk
 * @param initialBackoff first pause after a failed send
 * @param maxBackoff longest pause between sends of a batch
 */
public record ShipperSettings(
        int maxBatchLines,
        long maxBatchBytes,
        Duration flushInterval,
        long memoryBudgetBytes,
        Duration initialBackoff,
        Duration maxBackoff) {

    public static ShipperSettings defaults() {
        return new ShipperSettings(500, 256 * 1024, Duration.ofSeconds(1), 4L * 1024 * 1024,
                Duration.ofMillis(200), Duration.ofSeconds(10));
    }

    public ShipperSettings withMemoryBudget(long bytes) {
        return new ShipperSettings(maxBatchLines, maxBatchBytes, flushInterval, bytes, initialBackoff, maxBackoff);
    }

    public ShipperSettings withMaxBatchLines(int lines) {
        return new ShipperSettings(lines, maxBatchBytes, flushInterval, memoryBudgetBytes, initialBackoff, maxBackoff);
    }
}
