package dev.stroem.cli;

import dev.stroem.config.ConfigException;
import dev.stroem.config.ConfigLoader;
import dev.stroem.config.WorkerConfig;
import dev.stroem.worker.LaunchMechanism;
import dev.stroem.worker.Worker;
import dev.stroem.worker.WorkerApiClient;
import dev.stroem.worker.WorkerOptions;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code stroem worker --config worker-config.yaml}: runs steps for a server until stopped (SIGTERM).
 * The config is read by the shared {@link ConfigLoader} (YAML, {@code STROEM__…} overrides, defaults,
 * validation); only the defaults that depend on this machine are filled in here.
 */
@Command(name = "worker", mixinStandardHelpOptions = true,
        description = "Poll a server for script steps, run them and ship their output.")
public final class WorkerCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "The worker config (YAML); default: $STROEM_CONFIG, else ./worker-config.yaml.")
    Path configFile;

    @Option(names = "--shutdown-grace-secs", paramLabel = "SECONDS",
            description = "On SIGTERM, how long running steps may go on before they are killed "
                    + "(default: shutdown_grace_secs of the config, else 30).")
    Long shutdownGraceSecs;

    @Override
    public Integer call() throws Exception {
        // Before any process is started: a worker starts one per step, and this spares each a helper.
        LaunchMechanism.preferDirectLaunch();
        Path cwd = Path.of("").toAbsolutePath();
        configFile = ConfigFileChoice.WORKER.choose(configFile, spec, cwd);
        if (configFile == null) {
            spec.commandLine().getErr().println(ConfigFileChoice.WORKER.missing(cwd));
            return 2;
        }
        WorkerConfig config;
        try {
            config = load(configFile, System.getenv());
        } catch (ConfigException e) {
            spec.commandLine().getErr().println("stroem worker: " + e.getMessage());
            return 2;
        }
        if (shutdownGraceSecs != null && shutdownGraceSecs < 0) {
            spec.commandLine().getErr().println("stroem worker: --shutdown-grace-secs must be 0 or more, not "
                    + shutdownGraceSecs + ".");
            return 2;
        }
        long grace = shutdownGraceSecs != null ? shutdownGraceSecs : config.shutdownGraceSecs();
        var options = WorkerOptions.defaults().withShutdownGrace(Duration.ofSeconds(grace));
        options = options.withRequestTimeout(Duration.ofSeconds(config.requestTimeoutSecs()));
        var api = new WorkerApiClient(config.serverUrl(), config.workerToken(), options.requestTimeout(),
                Duration.ofSeconds(config.connectTimeoutSecs()));
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

    /** The worker config from {@code file} and {@code env}, with every default the worker needs filled in. */
    static WorkerConfig load(Path file, Map<String, String> env) {
        return withMachineDefaults(new ConfigLoader().loadWorker(file, env));
    }

    /**
     * The defaults the config loader leaves open because they depend on this machine: the worker's
     * name (the host name), its work dir (under the temp dir, stable across restarts so the spool
     * under it is found again), its spool dir ({@code {work_dir}/spool}) and its workspace cache
     * ({@code {work_dir}/workspaces}).
     */
    static WorkerConfig withMachineDefaults(WorkerConfig c) {
        return c.withMachine(c.workerName() != null ? c.workerName() : hostName(),
                Path.of(System.getProperty("java.io.tmpdir"), "stroem-worker").toString()).withDefaults();
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "worker";
        }
    }
}
