package dev.stroem.jobs;

import static dev.stroem.jobs.ConditionsContract.steps;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code retry} end to end on a real server and worker: step retries with their history, backoff
 * kept in the database across a restart, the documented interactions (continue_on_failure, loops,
 * when, step timeouts, hooks) and task retries making a chain of jobs. Scripts count their
 * attempts in a file of the test's own directory. Run against each supported database.
 */
abstract class RetryContract extends ServerWithWorkerContract {

    /** Fails until the attempt counted in {@code input.state} reaches {@code input.pass_at} (0 = never passes). */
    private static final String FLAKY = """
            n=$(cat "{{ input.state }}" 2>/dev/null || echo 0); n=$((n+1)); echo $n > "{{ input.state }}"
            echo "attempt $n"
            if [ {{ input.pass_at }} -eq 0 ] || [ $n -lt {{ input.pass_at }} ]; then exit 7; fi
            echo "OUTPUT: {\\"attempts\\": $n}"
            """;

    static final String WORKFLOW = """
            actions:
              flaky:
                type: script
                input:
                  state: { type: string }
                  pass_at: { type: integer }
                script: |
            @FLAKY@
                retry:
                  max_attempts: 3
                  delay: 0s
              note:
                type: script
                input:
                  text: { type: string }
                script: echo "hook {{ input.text }}"
            tasks:
              step-retry:
                input:
                  state: { type: string }
                  pass_at: { type: integer, default: 3 }
                flow:
                  fetch:
                    action: flaky
                    input: { state: "{{ input.state }}", pass_at: "{{ input.pass_at }}" }
                  after:
                    type: script
                    depends_on: [fetch]
                    input: { attempts: "{{ fetch.output.attempts }}" }
                    script: echo "fetched after {{ input.attempts }} attempts"
                on_error:
                  - action: note
                    input: { text: "failed {{ hook.job_id }}" }
              tolerant:
                input:
                  state: { type: string }
                flow:
                  unstable:
                    action: flaky
                    input: { state: "{{ input.state }}", pass_at: 0 }
                    retry: { max_attempts: 2, delay: 0s }
                    continue_on_failure: true
                  next:
                    type: script
                    depends_on: [unstable]
                    continue_on_failure: true
                    script: echo next runs
              backoff:
                input:
                  state: { type: string }
                flow:
                  slow:
                    action: flaky
                    input: { state: "{{ input.state }}", pass_at: 3 }
                    retry: { max_attempts: 3, delay: 1h, backoff: exponential }
              looped:
                input:
                  state: { type: string }
                  go: { type: boolean, default: true }
                flow:
                  items:
                    action: flaky
                    for_each: ["a", "b"]
                    input: { state: "{{ input.state }}-{{ each.item }}", pass_at: "{% if each.item == 'b' %}2{% else %}1{% endif %}" }
                    retry: { max_attempts: 2, delay: 0s }
                  gated:
                    action: flaky
                    when: "{{ input.go == false }}"
                    input: { state: "{{ input.state }}-gated", pass_at: 0 }
              timed:
                input:
                  state: { type: string }
                flow:
                  slow-first:
                    type: script
                    input: { state: "{{ input.state }}" }
                    timeout: 1s
                    retry: { max_attempts: 2, delay: 0s }
                    script: |
                      n=$(cat "{{ input.state }}" 2>/dev/null || echo 0); n=$((n+1)); echo $n > "{{ input.state }}"
                      if [ $n -eq 1 ]; then sleep 30; fi
                      echo "attempt $n in time"
              chain:
                input:
                  state: { type: string }
                  pass_at: { type: integer }
                retry: { max_attempts: 2, delay: 0s }
                flow:
                  deploy:
                    action: flaky
                    input: { state: "{{ input.state }}", pass_at: "{{ input.pass_at }}" }
                    retry: { max_attempts: 1 }
                on_success:
                  - action: note
                    input: { text: "succeeded {{ hook.job_id }}" }
                on_error:
                  - action: note
                    input: { text: "failed {{ hook.job_id }}" }
            """.replace("@FLAKY@", FLAKY.indent(6).stripTrailing());

    @Override
    String workflowFile() {
        return "retry.yaml";
    }

    @Override
    String workflow() {
        return WORKFLOW;
    }

    private String state(String name) {
        return dir.resolve("state-" + name).toString();
    }

    @Test
    void aFailedStepRunsAgainUntilItPassesAndKeepsItsAttempts() {
        String jobId = server.execute("step-retry", Map.of("state", state("pass")));

        var job = server.awaitStatus(jobId, "completed");

        var fetch = steps(job).get("fetch");
        assertThat(fetch.path("status").asText()).isEqualTo("completed");
        assertThat(fetch.path("retry_attempt").asInt()).isEqualTo(2);
        assertThat(fetch.path("max_retries").asInt()).isEqualTo(2);
        assertThat(fetch.path("output").toString()).isEqualTo("{\"attempts\":3}");
        assertThat(fetch.path("retry_history")).hasSize(2).allSatisfy(attempt -> {
            assertThat(attempt.path("error").asText()).isEqualTo("Exit code: 7");
            assertThat(attempt.path("failed_at").asText()).isNotEmpty();
        });
        assertThat(fetch.path("retry_history").get(0).path("attempt").asInt()).isZero();
        assertThat(lines(jobId, "fetch")).containsSubsequence("attempt 1", "attempt 2", "attempt 3");
        assertThat(lines(jobId, "after")).containsExactly("fetched after 3 attempts");
        assertThat(server.serverEvents(jobId)).containsExactly(
                "[orchestrator] Step 'fetch' failed (attempt 1 of 3): Exit code: 7; attempt 2 in 0s",
                "[orchestrator] Step 'fetch' failed (attempt 2 of 3): Exit code: 7; attempt 3 in 0s");
        assertThat(job.path("hook_jobs")).isEmpty();
    }

    @Test
    void withContinueOnFailureTheRetriesRunOutFirstThenTheDependantRuns() {
        String jobId = server.execute("tolerant", Map.of("state", state("tolerant")));

        var job = server.awaitStatus(jobId, "completed");

        var unstable = steps(job).get("unstable");
        assertThat(unstable.path("status").asText()).isEqualTo("failed");
        assertThat(unstable.path("retry_attempt").asInt()).isEqualTo(1);
        assertThat(unstable.path("max_retries").asInt()).as("the step's retry overrides the action's").isEqualTo(1);
        assertThat(unstable.path("retry_history")).hasSize(1);
        assertThat(steps(job).get("next").path("status").asText()).isEqualTo("completed");
        assertThat(server.serverEvents(jobId)).contains(
                "[orchestrator] Step 'unstable' failed after 2 attempts: Exit code: 7");
    }

    @Test
    void exponentialBackoffIsKeptInTheDatabaseAcrossARestart() {
        String jobId = server.execute("backoff", Map.of("state", state("backoff")));

        var waiting = server.awaitJob(jobId, j -> steps(j).get("slow").path("retry_attempt").asInt() == 1);
        var slow = steps(waiting).get("slow");
        assertThat(slow.path("status").asText()).isEqualTo("ready");
        Instant failedAt = Instant.parse(slow.path("retry_history").get(0).path("failed_at").asText());
        Instant retryAt = Instant.parse(slow.path("retry_at").asText());
        assertThat(Duration.between(failedAt, retryAt)).isEqualTo(Duration.ofHours(1));

        // A restart neither loses the wait nor runs the attempt early or twice.
        server.restart();
        server.startWorker("w1");
        server.app().retryScheduler().tick();
        var afterRestart = steps(server.job(jobId)).get("slow");
        assertThat(afterRestart.path("status").asText()).isEqualTo("ready");
        assertThat(afterRestart.path("retry_at").asText()).isEqualTo(slow.path("retry_at").asText());
        assertThat(attempts("backoff")).isEqualTo(1);

        server.clock.advance(Duration.ofHours(1));
        var second = server.awaitJob(jobId, j -> steps(j).get("slow").path("retry_attempt").asInt() == 2);
        var history = steps(second).get("slow").path("retry_history");
        assertThat(history).hasSize(2);
        assertThat(Duration.between(Instant.parse(history.get(1).path("failed_at").asText()),
                Instant.parse(steps(second).get("slow").path("retry_at").asText()))).isEqualTo(Duration.ofHours(2));

        server.clock.advance(Duration.ofHours(2));
        server.awaitStatus(jobId, "completed");
        assertThat(attempts("backoff")).isEqualTo(3);
    }

    @Test
    void loopInstancesRetryOnTheirOwnAndAStepNotRunIsNotRetried() {
        String jobId = server.execute("looped", Map.of("state", state("loop")));

        var job = server.awaitStatus(jobId, "completed");

        var steps = steps(job);
        assertThat(steps.get("items[0]").path("retry_attempt").asInt()).isZero();
        assertThat(steps.get("items[1]").path("retry_attempt").asInt()).isEqualTo(1);
        assertThat(steps.get("items[1]").path("max_retries").asInt()).isEqualTo(1);
        assertThat(steps.get("items").path("status").asText()).isEqualTo("completed");
        assertThat(steps.get("gated").path("status").asText()).isEqualTo("skipped");
        assertThat(steps.get("gated").path("retry_attempt").asInt()).isZero();
        assertThat(steps.get("gated").path("retry_history")).isEmpty();
        assertThat(server.serverEvents(jobId)).contains(
                "[orchestrator] Step 'items': for_each gave 2 items: 2 instances run in parallel",
                "[orchestrator] Step 'items[1]' failed (attempt 1 of 2): Exit code: 7; attempt 2 in 0s",
                "[orchestrator] Step 'gated': when condition {{ input.go == false }} is false: the step is skipped");
    }

    @Test
    void aStepTimeoutLimitsEachAttempt() {
        String jobId = server.execute("timed", Map.of("state", state("timed")));

        var job = server.awaitStatus(jobId, "completed");

        var step = steps(job).get("slow-first");
        assertThat(step.path("retry_history")).singleElement()
                .satisfies(a -> assertThat(a.path("error").asText()).contains("timed out after 1s"));
        assertThat(lines(jobId, "slow-first")).contains("attempt 2 in time");
    }

    @Test
    void aFailedJobOfATaskWithRetryRunsAgainAsANewJobAndHooksFireOnTheFinalOutcome() {
        String first = server.execute("chain", Map.of("state", state("chain"), "pass_at", 2));

        var failed = server.awaitJob(first, j -> "failed".equals(j.path("status").asText())
                && !j.path("retry_job_id").isNull());
        assertThat(failed.path("retry_attempt").asInt()).isZero();
        assertThat(failed.path("max_retries").asInt()).isEqualTo(1);
        assertThat(failed.path("retry_of_job_id").isNull()).isTrue();
        String second = failed.path("retry_job_id").asText();

        var retried = server.awaitStatus(second, "completed");
        assertThat(retried.path("retry_of_job_id").asText()).isEqualTo(first);
        assertThat(retried.path("retry_attempt").asInt()).isEqualTo(1);
        assertThat(retried.path("retry_job_id").isNull()).isTrue();
        assertThat(retried.path("source_type").asText()).isEqualTo("api");
        assertThat(retried.path("input").path("pass_at").asInt()).isEqualTo(2);
        assertThat(server.awaitJob(second, j -> j.path("hook_jobs").size() == 1).path("hook_jobs").get(0)
                .path("hook_name").asText()).isEqualTo("on_success[0]");
        assertThat(server.job(first).path("hook_jobs")).as("no hook on a failure that is retried").isEmpty();
        assertThat(server.serverEvents(first)).contains(
                "[orchestrator] Job failed (attempt 1 of 2); the task is retried as a new job in 0s (hooks wait for the final outcome)",
                "[orchestrator] Task retry (retry 1 of 1) created as job " + second);
        assertThat(server.serverEvents(second)).contains("[orchestrator] This job is retry 1 of 1 of failed job " + first);
    }

    @Test
    void whenEveryAttemptOfTheChainFailsTheErrorHookFiresOnceOnTheLastJob() {
        String first = server.execute("chain", Map.of("state", state("doomed"), "pass_at", 0));

        var failed = server.awaitJob(first, j -> !j.path("retry_job_id").isNull());
        String second = failed.path("retry_job_id").asText();
        var last = server.awaitJob(second, j -> "failed".equals(j.path("status").asText())
                && j.path("hook_jobs").size() == 1);

        assertThat(last.path("hook_jobs").get(0).path("hook_name").asText()).isEqualTo("on_error[0]");
        assertThat(last.path("retry_job_id").isNull()).as("no retries left").isTrue();
        assertThat(server.job(first).path("hook_jobs")).isEmpty();
        assertThat(attempts("doomed")).isEqualTo(2);
    }

    private int attempts(String name) {
        try {
            Path file = Path.of(state(name));
            return Files.exists(file) ? Integer.parseInt(Files.readString(file).strip()) : 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<String> lines(String jobId, String step) {
        return server.logLines(jobId, step).stream().map(l -> l.path("line").asText()).toList();
    }
}
