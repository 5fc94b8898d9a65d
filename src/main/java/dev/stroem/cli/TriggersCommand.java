package dev.stroem.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.stroem.workflow.WorkspaceLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code stroem triggers [--path DIR]}: the {@code triggers:} declared in a local workspace's
 * workflow files (scheduler and webhook), read straight from the YAML so they are listed whether
 * or not this server runs them yet.
 */
@Command(name = "triggers", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = ExitCodes.ERROR,
        description = "List the triggers declared in the workspace at --path (no server needed).")
public final class TriggersCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    WorkspacePath workspace;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        Path root = workspace.root();
        if (!Files.isDirectory(root)) {
            throw new CliException("the workspace folder " + root + " does not exist (see --path)");
        }
        var table = new TextTable("TRIGGER", "TYPE", "TASK", "SCHEDULE", "ENABLED");
        int found = 0;
        var yaml = new ObjectMapper(new YAMLFactory());
        Path dir = WorkspaceLoader.scanDir(root);
        try (Stream<Path> files = Files.walk(dir, 4)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
                    .sorted().toList()) {
                JsonNode triggers = read(yaml, file).path("triggers");
                for (var it = triggers.fields(); it.hasNext(); ) {
                    var entry = it.next();
                    JsonNode t = entry.getValue();
                    table.row(entry.getKey(), t.path("type").asText(""), t.path("task").asText(""),
                            t.path("cron").asText(""), Boolean.toString(t.path("enabled").asBoolean(true)));
                    found++;
                }
            }
        } catch (IOException e) {
            throw new CliException("cannot read " + dir + ": " + e.getMessage(), e);
        }
        if (found == 0) {
            out.println("No triggers in " + root + ".");
        } else {
            table.print(out, "");
        }
        out.flush();
        return ExitCodes.OK;
    }

    private JsonNode read(ObjectMapper yaml, Path file) {
        try {
            JsonNode node = yaml.readTree(file.toFile());
            return node == null ? yaml.createObjectNode() : node;
        } catch (IOException e) {
            // A broken file is validate's to report; the other files' triggers are still listed.
            spec.commandLine().getErr().println("warning: " + file + " is not valid YAML; its triggers are not listed.");
            return yaml.createObjectNode();
        }
    }
}
