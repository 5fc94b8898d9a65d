package dev.stroem.app;

import java.net.BindException;

/** The server cannot listen because its address and port are taken (another server, an earlier run). */
public final class PortInUseException extends RuntimeException {
    private final String host;
    private final int port;

    PortInUseException(String host, int port, Throwable cause) {
        super("port " + port + " on " + host + " is already in use", cause);
        this.host = host;
        this.port = port;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** Whether {@code e} (Jetty's or Javalin's wrapping of it) is a failure to bind the listening socket. */
    static boolean isBindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException || t.getClass().getSimpleName().equals("JavalinBindException")) {
                return true;
            }
        }
        return false;
    }
}
