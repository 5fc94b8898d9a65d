package dev.stroem.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.stroem.config.WorkerConfig;
import dev.stroem.worker.Worker;
import dev.stroem.worker.WorkerApiClient;
import dev.stroem.worker.WorkerOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code stroem worker --config worker-config.yaml}: runs steps for a server until stopped (SIGTERM). */
@Command(name = "worker", description = "Poll a server for script steps, run them and ship their output.")
public final class WorkerCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The worker config (YAML).")
    Path configFile;

    @Option(names = "--shutdown-grace-secs", defaultValue = "30", paramLabel = "SECONDS",
            description = "On SIGTERM, how long running steps may go on before they are killed (default: ${DEFAULT-VALUE}).")
    long shutdownGraceSecs;

    @Override
    public Integer call() throws Exception {
        WorkerConfig config;
        try {
            config = withDefaults(readConfig(configFile));
        } catch (ConfigException e) {
            spec.commandLine().getErr().println("Invalid worker config " + configFile + ": " + e.getMessage() + ".");
            return 2;
        }
        if (shutdownGraceSecs < 0) {
            spec.commandLine().getErr().println("--shutdown-grace-secs must be 0 or more, not " + shutdownGraceSecs + ".");
            return 2;
        }
        var options = WorkerOptions.defaults().withShutdownGrace(Duration.ofSeconds(shutdownGraceSecs));
        var api = new WorkerApiClient(config.serverUrl(), config.workerToken(), options.requestTimeout());
        var worker = new Worker(config, api, options);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                worker.shutdown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "worker-shutdown"));
        worker.start();
        while (!worker.awaitTermination(Duration.ofDays(1))) {
            // Runs until the shutdown hook has stopped the worker.
        }
        return 0;
    }

    /** A config file that cannot be used; the message names the field. */
    static final class ConfigException extends Exception {
        ConfigException(String message) {
            super(message);
        }
    }

    // Stand-in for the shared YAML + STROEM__ env loader of the config package, replaced at merge.
    private static WorkerConfig readConfig(Path file) throws ConfigException {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("the file does not exist");
        }
        var yaml = new ObjectMapper(new YAMLFactory())
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
        try {
            WorkerConfig config = yaml.readValue(file.toFile(), WorkerConfig.class);
            if (config == null) {
                throw new ConfigException("the file is empty");
            }
            return config;
        } catch (MismatchedInputException e) {
            String field = e.getPath().stream().map(r -> r.getFieldName() == null ? "[" + r.getIndex() + "]" : r.getFieldName())
                    .collect(Collectors.joining("."));
            throw new ConfigException("field '" + field + "' has the wrong type: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    static WorkerConfig withDefaults(WorkerConfig c) throws ConfigException {
        String serverUrl = required(c.serverUrl(), "server_url");
        try {
            URI uri = URI.create(serverUrl);
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new IllegalArgumentException("not an http(s) URL");
            }
        } catch (IllegalArgumentException e) {
            throw new ConfigException("field 'server_url' must be an http:// or https:// URL, not '" + serverUrl + "'");
        }
        String token = required(c.workerToken(), "worker_token");
        int maxConcurrent = positive(c.maxConcurrent() == null ? 4 : c.maxConcurrent(), "max_concurrent");
        long poll = positive(c.pollIntervalSecs() == null ? 1 : c.pollIntervalSecs(), "poll_interval_secs");
        long heartbeat = positive(c.heartbeatIntervalSecs() == null ? 30 : c.heartbeatIntervalSecs(), "heartbeat_interval_secs");
        List<String> capabilities = c.capabilities() == null || c.capabilities().isEmpty() ? List.of("script") : c.capabilities();
        List<String> tags = c.tags() == null ? List.of() : c.tags();
        String workDir = c.workDir() != null ? c.workDir() : defaultWorkDir();
        String spoolDir = c.spoolDir() != null ? c.spoolDir() : Path.of(workDir, "spool").toString();
        String name = c.workerName() != null && !c.workerName().isBlank() ? c.workerName() : hostName();
        return new WorkerConfig(serverUrl, token, name, maxConcurrent, poll, heartbeat, capabilities, tags, workDir, spoolDir);
    }

    private static String required(String value, String field) throws ConfigException {
        if (value == null || value.isBlank()) {
            throw new ConfigException("field '" + field + "' is required");
        }
        return value;
    }

    private static <N extends Number> N positive(N value, String field) throws ConfigException {
        if (value.longValue() <= 0) {
            throw new ConfigException("field '" + field + "' must be at least 1, not " + value);
        }
        return value;
    }

    private static String defaultWorkDir() {
        // Stable across restarts, so the default spool (under it) is found again.
        return Path.of(System.getProperty("java.io.tmpdir"), "stroem-worker").toString();
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "worker";
        }
    }
}
