package dev.stroem.worker;

/**
 * How a step's script ended.
 *
 * @param exitCode the exit status of {@code bash} (128 + signal when killed), null when it never ran
 * @param error null on success, otherwise a sentence such as {@code Command exited with code 3}
 * @param stoppedBy set when the worker ended the step (timeout, cancellation, shutdown)
 */
public record StepOutcome(Integer exitCode, String error, StopReason stoppedBy) {}
