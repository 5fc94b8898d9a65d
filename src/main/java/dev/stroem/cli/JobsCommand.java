package dev.stroem.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code stroem jobs [--task T] [--status S]}: the newest jobs as a table. */
@Command(name = "jobs", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = ExitCodes.ERROR,
        description = "List jobs, newest first.")
public final class JobsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ServerOptions server;

    @Option(names = "--task", paramLabel = "TASK", description = "Only jobs of this task.")
    String task;

    @Option(names = "--status", paramLabel = "STATUS",
            description = "Only jobs with this status: pending, running, completed, failed or cancelled.")
    String status;

    @Option(names = {"-w", "--workspace"}, paramLabel = "WS", description = "Only jobs of this workspace.")
    String workspace;

    @Option(names = {"-n", "--limit"}, paramLabel = "N", defaultValue = "20",
            description = "How many jobs to show (default: ${DEFAULT-VALUE}, at most 500).")
    int limit;

    @Override
    public Integer call() {
        if (limit < 1 || limit > 500) {
            throw new CliException("--limit expects a number from 1 to 500, not " + limit);
        }
        // A task name is unique only within its workspace; the server wants both (as the original).
        String ws = workspace == null && task != null ? "default" : workspace;
        JsonNode page = server.client().jobs(ws, task, status, limit);
        var out = spec.commandLine().getOut();
        JsonNode items = page.path("items");
        if (items.isEmpty()) {
            out.println("No jobs" + (task != null || status != null || workspace != null ? " match." : " yet."));
            out.flush();
            return ExitCodes.OK;
        }
        var table = new TextTable("JOB", "TASK", "STATUS", "CREATED", "DURATION");
        for (JsonNode job : items) {
            String taskName = job.path("workspace").asText() + "/" + job.path("task_name").asText();
            table.row(job.path("job_id").asText(), taskName, job.path("status").asText(), JobText.time(job.path("created_at")),
                    JobText.duration(job.path("duration_secs")));
        }
        table.print(out, "");
        long total = page.path("total").asLong(items.size());
        if (total > items.size()) {
            out.println("(" + items.size() + " of " + total + " jobs; --limit shows more)");
        }
        out.flush();
        return ExitCodes.OK;
    }
}
