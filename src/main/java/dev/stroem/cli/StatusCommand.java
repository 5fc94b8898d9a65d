package dev.stroem.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code stroem status JOB}: a job and its steps. Exits with the job's outcome: 0 completed or not
 * ended yet, 1 failed, 2 cancelled (3: the job could not be looked up).
 */
@Command(name = "status", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = ExitCodes.ERROR,
        description = {"Show a job and its steps.",
                "Exit code: 0 completed or still pending/running, 1 failed, 2 cancelled, 3 error."})
public final class StatusCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ServerOptions server;

    @Parameters(paramLabel = "JOB", description = "The job id.")
    String jobId;

    @Option(names = "--json", description = "Print the server's JSON answer as it is.")
    boolean json;

    @Override
    public Integer call() {
        JsonNode job = server.client().job(jobId);
        var out = spec.commandLine().getOut();
        if (json) {
            out.println(job.toString());
        } else {
            print(job, out);
        }
        out.flush();
        return ExitCodes.forJobStatus(job.path("status").asText()).orElse(ExitCodes.OK);
    }

    private static void print(JsonNode job, java.io.PrintWriter out) {
        var head = new TextTable(2);
        head.row("Job:", job.path("job_id").asText());
        head.row("Task:", job.path("workspace").asText() + "/" + job.path("task_name").asText());
        head.row("Status:", job.path("status").asText());
        head.row("Created:", JobText.time(job.path("created_at")));
        head.row("Started:", JobText.time(job.path("started_at")));
        head.row("Finished:", JobText.time(job.path("completed_at")));
        head.row("Duration:", JobText.duration(job.path("duration_secs")));
        if (!JobText.text(job.path("error_message")).equals("-")) {
            head.row("Error:", job.path("error_message").asText());
        }
        JsonNode archive = job.path("archive");
        if (archive.isObject()) {
            head.row("Archive:", archive.path("state").asText()
                    + (archive.path("key").isTextual() ? " (" + archive.path("key").asText() + ")" : "")
                    + (archive.path("last_error").isTextual() ? ": " + archive.path("last_error").asText() : ""));
        }
        head.print(out, "");

        out.println();
        var steps = new TextTable("STEP", "STATUS", "EXIT", "DURATION", "ERROR");
        for (JsonNode step : job.path("steps")) {
            steps.row(step.path("step_name").asText(), step.path("status").asText(), JobText.text(step.path("exit_code")),
                    JobText.duration(step.path("duration_secs")), JobText.text(step.path("error_message")));
        }
        steps.print(out, "  ");
        JsonNode hooks = job.path("hook_jobs");
        if (hooks.isArray() && !hooks.isEmpty()) {
            out.println();
            var hookTable = new TextTable("HOOK JOB", "HOOK", "STATUS");
            for (JsonNode hook : hooks) {
                hookTable.row(hook.path("job_id").asText(), JobText.text(hook.path("hook_name")), hook.path("status").asText());
            }
            hookTable.print(out, "  ");
        }
    }
}
