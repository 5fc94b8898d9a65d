package dev.stroem.cli;

import dev.stroem.app.PortInUseException;
import dev.stroem.app.ServerApp;
import dev.stroem.config.ConfigException;
import dev.stroem.config.ConfigLoader;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code stroem server --config server-config.yaml}: the job server. */
@Command(name = "server", mixinStandardHelpOptions = true,
        description = "Run the job server (HTTP API, worker API, WebSocket, web UI).")
public final class ServerCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "The server config (YAML); default: $STROEM_CONFIG, else ./server-config.yaml.")
    Path config;

    @Override
    public Integer call() throws InterruptedException {
        Path cwd = Path.of("").toAbsolutePath();
        config = ConfigFileChoice.SERVER.choose(config, spec, cwd);
        if (config == null) {
            spec.commandLine().getErr().println(ConfigFileChoice.SERVER.missing(cwd));
            return 2;
        }
        ServerApp app;
        try {
            var loaded = new ConfigLoader().loadServer(config, System.getenv());
            var dir = config.toAbsolutePath().getParent();
            app = ServerApp.start(loaded, dir);
        } catch (ConfigException e) {
            spec.commandLine().getErr().println("stroem server: " + e.getMessage());
            return 2;
        } catch (PortInUseException e) {
            spec.commandLine().getErr().println("stroem server: " + e.getMessage() + "; stop what is using it or change listen.");
            return 2;
        }
        var stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.close();
            stopped.countDown();
        }, "server-shutdown"));
        stopped.await();
        return 0;
    }
}
