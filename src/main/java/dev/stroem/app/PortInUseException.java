package dev.stroem.app;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

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

    /**
     * Fails early, before a database is opened or a log is touched, when something listens on
     * {@code host:port} already. Binds the way Jetty does (address reuse on), so a port that merely
     * has connections in TIME_WAIT counts as free. Port 0 is always free.
     */
    static void checkFree(String host, int port) {
        if (port == 0) {
            return;
        }
        try (var socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(host, port));
        } catch (BindException e) {
            throw new PortInUseException(host, port, e);
        } catch (IOException e) {
            // Not a taken port (an unknown host, say): the server's own start reports it.
        }
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
