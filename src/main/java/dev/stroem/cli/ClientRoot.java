package dev.stroem.cli;

/**
 * A root command that carries the global {@code --server}/{@code --token} (given before the
 * subcommand, as the original's CLI takes them) and the environment the client commands read.
 * Two roots exist: {@code stroem} and {@code stroem-api}.
 */
interface ClientRoot {
    /** {@code --server} given before the subcommand, or null. */
    String globalServer();

    /** {@code --token} given before the subcommand, or null. */
    String globalToken();

    /** An environment variable (injected so tests need no process of their own), or null. */
    String env(String name);
}
