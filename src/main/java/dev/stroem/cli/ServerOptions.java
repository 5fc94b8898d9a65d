package dev.stroem.cli;

import picocli.CommandLine.Option;

/** {@code --server} and {@code --token} of every client command, with their environment defaults. */
public final class ServerOptions {

    @Option(names = "--server", paramLabel = "URL", defaultValue = "${env:STROEM_SERVER:-http://localhost:8080}",
            description = "The Strøm server (env STROEM_SERVER; default: http://localhost:8080).")
    String server;

    @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:STROEM_TOKEN}",
            description = "API token, when the server requires one (env STROEM_TOKEN).")
    String token;

    ApiClient client() {
        return new ApiClient(server, token);
    }
}
