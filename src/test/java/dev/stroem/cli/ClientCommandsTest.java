package dev.stroem.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stroem.app.DevApp;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client commands against a real server with its embedded worker ({@link DevApp} on the example
 * workspace, in this JVM for speed): what a person reads and the exit codes a script sees.
 */
class ClientCommandsTest {

    private static final String TIME = "\\d\\d:\\d\\d:\\d\\d\\.\\d{3}";

    @TempDir
    static Path data;

    private static DevApp app;
    private static String server;
    private static ApiClient api;

    record Run(int exit, String out, String err) {
        List<String> lines() {
            return out.lines().toList();
        }
    }

    @BeforeAll
    static void start() throws Exception {
        app = DevApp.start(new DevApp.Settings(data, Path.of("examples/workspace"), 0));
        server = "http://localhost:" + app.port();
        api = new ApiClient(server, null);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    private static Run run(String... args) {
        var out = new StringWriter();
        var err = new StringWriter();
        var cli = StroemCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        var all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--server", server));
        int exit = cli.execute(all.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }

    private static String trigger(String... args) {
        var all = new ArrayList<>(List.of("trigger"));
        all.addAll(List.of(args));
        Run run = run(all.toArray(String[]::new));
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.lines()).hasSize(1);
        return run.out().strip();
    }

    private static JsonNode awaitStatus(String jobId, String status) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> api.job(jobId).path("status").asText(), status::equals);
        return api.job(jobId);
    }

    @Test
    void helloWorldReadsAsTimestampedLinesPerStep() {
        String job = trigger("hello-world", "-i", "name=Ada");
        awaitStatus(job, "completed");

        Run logs = run("logs", job);

        assertThat(logs.exit()).isZero();
        assertThat(logs.lines()).hasSize(3);
        assertThat(logs.lines().get(0)).matches(TIME + " say-hello \\| Hello, Ada!");
        assertThat(logs.lines().get(1)).matches(TIME + " say-hello \\| OUTPUT: \\{\"greeting\": \"Hello, Ada!\"}");
        assertThat(logs.lines().get(2)).matches(TIME + " shout-it \\| HELLO, ADA!");
    }

    @Test
    void jsonIsTheRawLogAndStepAndTailNarrowIt() {
        String job = trigger("hello-world");
        awaitStatus(job, "completed");
        String raw = api.logTail(job, null, null, 1000).path("logs").asText();

        assertThat(run("logs", job, "--json").out()).isEqualTo(raw);
        assertThat(run("logs", job, "--step", "shout-it").lines()).singleElement().asString()
                .matches(TIME + " shout-it \\| HELLO, WORLD!");
        assertThat(run("logs", job, "--tail", "1", "--json").lines()).singleElement().asString()
                .contains("\"step\":\"shout-it\"", "HELLO, WORLD!");
    }

    @Test
    void aFailedJobShowsItsStderrMarkedAndStatusExitsOne() {
        String job = trigger("failing-with-hook");
        awaitStatus(job, "failed");

        assertThat(run("logs", job, "--stream", "stderr").lines()).singleElement().asString()
                .matches(TIME + " fail ! something went wrong");
        Run status = run("status", job);
        assertThat(status.exit()).isEqualTo(ExitCodes.FAILED);
        assertThat(status.out()).contains("Status:", "failed", "default/failing-with-hook")
                .containsPattern("fail +failed +1 ");
    }

    @Test
    void statusOfACompletedJobListsItsStepsAndExitsZero() {
        String job = trigger("hello-world");
        awaitStatus(job, "completed");

        Run status = run("status", job);

        assertThat(status.exit()).isZero();
        assertThat(status.out()).contains(job).containsPattern("say-hello +completed +0 ")
                .containsPattern("shout-it +completed +0 ");
    }

    @Test
    void aCancelledJobMakesStatusExitTwoAndCancellingAgainIsAnError() {
        String job = trigger("chatty");
        await().atMost(Duration.ofSeconds(30)).until(() -> api.job(job).path("status").asText(), "running"::equals);

        Run cancel = run("cancel", job);
        assertThat(cancel.exit()).isZero();
        assertThat(cancel.out()).isEqualTo("Cancelled job " + job + ".\n");
        awaitStatus(job, "cancelled");

        assertThat(run("status", job).exit()).isEqualTo(ExitCodes.CANCELLED);
        Run again = run("cancel", job);
        assertThat(again.exit()).isEqualTo(ExitCodes.ERROR);
        assertThat(again.err()).isEqualTo("stroem cancel: job " + job + " already ended (cancelled).\n");
    }

    @Test
    void jobsIsATableNewestFirstAndFiltersByTaskAndStatus() {
        String first = trigger("hello-world");
        awaitStatus(first, "completed");
        String second = trigger("broken-hook");
        awaitStatus(second, "completed");

        Run all = run("jobs");
        assertThat(all.exit()).isZero();
        assertThat(all.lines().get(0)).matches("JOB +TASK +STATUS +CREATED +DURATION");
        assertThat(String.join("\n", all.lines())).containsSubsequence(second, first);

        Run hello = run("jobs", "--task", "hello-world", "--status", "completed");
        assertThat(hello.lines()).anyMatch(l -> l.startsWith(first) && l.contains("default/hello-world"))
                .noneMatch(l -> l.startsWith(second));
    }

    @Test
    void unknownJobsAndTasksAreTheServersSentence() {
        String unknown = "00000000-0000-4000-8000-0000000000aa";
        Run status = run("status", unknown);
        assertThat(status.exit()).isEqualTo(ExitCodes.ERROR);
        assertThat(status.err()).isEqualTo("stroem status: no job with id " + unknown + ".\n");

        Run logs = run("logs", unknown);
        assertThat(logs.err()).isEqualTo("stroem logs: no job with id " + unknown + ".\n");

        Run malformed = run("status", "no-such-job");
        assertThat(malformed.exit()).isEqualTo(ExitCodes.ERROR);
        assertThat(malformed.err()).isEqualTo("stroem status: not a valid job id (a UUID is expected): \"no-such-job\".\n");

        Run trigger = run("trigger", "no-such-task");
        assertThat(trigger.exit()).isEqualTo(ExitCodes.ERROR);
        assertThat(trigger.err()).isEqualTo("stroem trigger: no task named \"no-such-task\" in workspace \"default\".\n");

        Run badStatus = run("jobs", "--status", "done");
        assertThat(badStatus.exit()).isEqualTo(ExitCodes.ERROR);
        assertThat(badStatus.err()).startsWith("stroem jobs: status: ").hasLineCount(1);
    }
}
