package dev.stroem.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * A WebSocket upgrade written by hand over a plain socket: lets a test read a refused upgrade's
 * status and body, and play a client that connects and then neither reads nor answers pings.
 */
final class RawUpgrade implements AutoCloseable {
    final Socket socket;
    final int status;
    final String head;

    private RawUpgrade(Socket socket, int status, String head) {
        this.socket = socket;
        this.status = status;
        this.head = head;
    }

    static RawUpgrade open(int port, String pathAndQuery, Map<String, String> headers) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(30_000);
        var req = new StringBuilder();
        req.append("GET ").append(pathAndQuery).append(" HTTP/1.1\r\n");
        req.append("Host: 127.0.0.1:").append(port).append("\r\n");
        req.append("Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n");
        req.append("Sec-WebSocket-Key: ").append(Base64.getEncoder().encodeToString(new byte[16])).append("\r\n");
        headers.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
        req.append("\r\n");
        socket.getOutputStream().write(req.toString().getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        String head = readHead(socket.getInputStream());
        int status = Integer.parseInt(head.substring(9, 12));
        return new RawUpgrade(socket, status, head);
    }

    /** The body of a refused upgrade (read to the end of the response). */
    String body() throws IOException {
        var m = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
        InputStream in = socket.getInputStream();
        if (m.find()) {
            byte[] b = in.readNBytes(Integer.parseInt(m.group(1)));
            return new String(b, StandardCharsets.UTF_8);
        }
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    /** Whether the server has closed the connection (reads and discards what it sent until then). */
    boolean serverClosed() {
        try {
            InputStream in = socket.getInputStream();
            byte[] buf = new byte[64 * 1024];
            while (in.read(buf) >= 0) {
                // discard
            }
            return true;
        } catch (IOException e) {
            return true; // reset by the server
        }
    }

    private static String readHead(InputStream in) throws IOException {
        var out = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            out.write(c);
            matched = (c == '\r' || c == '\n') && (matched % 2 == 0 ? c == '\r' : c == '\n') ? matched + 1 : (c == '\r' ? 1 : 0);
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
