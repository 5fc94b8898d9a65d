package dev.stroem.app;

/** {@code listen: HOST:PORT} split into its parts. */
record Listen(String host, int port) {
    static Listen parse(String listen) {
        int colon = listen.lastIndexOf(':');
        return new Listen(listen.substring(0, colon), Integer.parseInt(listen.substring(colon + 1)));
    }
}
