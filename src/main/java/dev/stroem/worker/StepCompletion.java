package dev.stroem.worker;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The body of {@code POST /worker/jobs/{id}/steps/{step}/complete}: exit code 0 and no error is
 * success.
 *
 * @param exitCode the script's exit status, null when it never ran
 * @param error a sentence saying why the step failed, null on success
 * @param output the step's output object when the worker found one (the server prefers its log)
 */
public record StepCompletion(Integer exitCode, String error, JsonNode output) {}
