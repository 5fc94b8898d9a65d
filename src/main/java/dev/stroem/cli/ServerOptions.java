package dev.stroem.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code --server} and {@code --token} of every client command. The first that is set wins: the
 * option after the subcommand, the global option before it ({@code stroem --server URL jobs}),
 * then the environment ({@code STROEM_SERVER} or the original's {@code STROEM_URL};
 * {@code STROEM_TOKEN}), then {@code http://localhost:8080}.
 */
public final class ServerOptions {
    static final String DEFAULT_SERVER = "http://localhost:8080";

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--server", paramLabel = "URL",
            description = "The Strøm server (env STROEM_SERVER or STROEM_URL; default: " + DEFAULT_SERVER + ").")
    String server;

    @Option(names = "--token", paramLabel = "TOKEN",
            description = "API token, when the server requires one (env STROEM_TOKEN).")
    String token;

    ApiClient client() {
        return new ApiClient(serverUrl(), token());
    }

    String serverUrl() {
        if (server != null) {
            return server;
        }
        for (CommandSpec spec = mixee.parent(); spec != null; spec = spec.parent()) {
            if (spec.userObject() instanceof ClientRoot root && root.globalServer() != null) {
                return root.globalServer();
            }
        }
        String fromEnv = firstNonBlank(env("STROEM_SERVER"), env("STROEM_URL"));
        return fromEnv != null ? fromEnv : DEFAULT_SERVER;
    }

    String token() {
        if (token != null) {
            return token;
        }
        for (CommandSpec spec = mixee.parent(); spec != null; spec = spec.parent()) {
            if (spec.userObject() instanceof ClientRoot root && root.globalToken() != null) {
                return root.globalToken();
            }
        }
        return firstNonBlank(env("STROEM_TOKEN"));
    }

    private String env(String name) {
        return mixee.root().userObject() instanceof ClientRoot root ? root.env(name) : System.getenv(name);
    }

    private static String firstNonBlank(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }
}
