package dev.stroem.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code stroem trigger TASK [-w WS] [-i key=value]… [--follow]}: runs a task. Prints the job id;
 * with {@code --follow} prints the job's log live instead and exits with the job's outcome
 * (0 completed, 1 failed, 2 cancelled).
 */
@Command(name = "trigger", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = ExitCodes.ERROR,
        description = {"Run a task. Prints the new job's id; with --follow, its log until it ends.",
                "Exit code with --follow: 0 completed, 1 failed, 2 cancelled, 3 error."})
public final class TriggerCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ServerOptions server;

    @Parameters(paramLabel = "TASK", description = "The task to run.")
    String task;

    @Option(names = {"-w", "--workspace"}, paramLabel = "WS", defaultValue = "default",
            description = "The task's workspace (default: ${DEFAULT-VALUE}).")
    String workspace;

    @Option(names = {"-i", "--input"}, paramLabel = "KEY=VALUE|JSON",
            description = {"An input value (KEY=VALUE), or a JSON object of inputs as the original takes it",
                    "(--input '{\"name\": \"CLI\"}'); repeat for more, later values win."})
    List<String> inputs = new ArrayList<>();

    @Option(names = {"-f", "--follow"}, description = "Print the job's log live and exit with its outcome.")
    boolean follow;

    @Option(names = "--json", description = "With --follow: print the raw JSONL lines.")
    boolean json;

    @Override
    public Integer call() throws InterruptedException {
        Map<String, Object> input = parseInputs(inputs);
        ApiClient api = server.client();
        String jobId = api.execute(workspace, task, input);
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        if (!follow) {
            out.println(jobId);
            out.flush();
            return ExitCodes.OK;
        }
        err.println("Job " + jobId + " started (" + workspace + "/" + task + ").");
        err.flush();
        var printer = new LogPrinter(api, out, err, !json && LogLineFormatter.colourWanted(System.getenv()),
                LiveLogFollower.Settings.defaults());
        return printer.follow(jobId, new LogPrinter.Selection(null, null, json), 0);
    }

    /**
     * {@code key=value} pairs in order (the value may hold '=' and be empty, the key may not) and
     * JSON objects (a value starting with '{'), whose fields keep their JSON types.
     */
    static Map<String, Object> parseInputs(List<String> pairs) {
        var input = new LinkedHashMap<String, Object>();
        var fromJson = new java.util.HashSet<String>();
        for (String pair : pairs) {
            if (pair.strip().startsWith("{")) {
                Map<String, Object> object = jsonObject(pair);
                input.putAll(object);
                fromJson.addAll(object.keySet());
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new CliException("-i expects KEY=VALUE, such as -i name=World, not \"" + pair + "\"");
            }
            String key = pair.substring(0, eq).strip();
            if (key.isEmpty()) {
                throw new CliException("-i expects KEY=VALUE with a non-empty key, not \"" + pair + "\"");
            }
            if (input.put(key, pair.substring(eq + 1)) != null && !fromJson.contains(key)) {
                throw new CliException("-i gives the input \"" + key + "\" twice");
            }
        }
        return input;
    }

    private static Map<String, Object> jsonObject(String text) {
        try {
            var node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(text);
            if (node == null || !node.isObject()) {
                throw new CliException("--input expects a JSON object such as '{\"name\": \"World\"}', not " + text);
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> map = new com.fasterxml.jackson.databind.ObjectMapper().convertValue(node, Map.class);
            return map;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new CliException("--input is not valid JSON (" + e.getOriginalMessage() + "): " + text);
        }
    }
}
