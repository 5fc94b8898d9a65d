package dev.stroem.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A worker given several server replicas moves to the next one when its replica gives no answer or a gateway error. */
class WorkerApiClientFailoverTest {
    private final List<HttpServer> servers = new java.util.ArrayList<>();

    @AfterEach
    void stop() {
        servers.forEach(s -> s.stop(0));
    }

    /** A server that answers every request with {@code status} and {@code body}, counting the requests. */
    private String server(int status, String body, AtomicInteger hits) throws IOException {
        var server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            hits.incrementAndGet();
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        servers.add(server);
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private static String nobodyListening() throws IOException {
        try (var socket = new ServerSocket(0)) {
            return "http://127.0.0.1:" + socket.getLocalPort();
        }
    }

    @Test
    void noAnswerAndGatewayErrors_moveToTheNextReplica_whichIsKeptFromThenOn() throws Exception {
        var unavailable = new AtomicInteger();
        var healthy = new AtomicInteger();
        String down = nobodyListening();
        String gateway = server(503, "{\"error\":\"no upstream\"}", unavailable);
        String ok = server(200, "{\"worker_id\":\"w-2\"}", healthy);
        var client = new WorkerApiClient(down + ", " + gateway + "/," + ok, "token", Duration.ofSeconds(5));

        assertThat(client.register("w", List.of("script"), List.of())).isEqualTo("w-2");
        assertThat(client.currentServer()).isEqualTo(ok);
        assertThat(unavailable).hasValue(1);

        client.heartbeat("w-2");
        assertThat(healthy).hasValue(2);
        assertThat(unavailable).hasValue(1); // the replica that answered is asked first now
    }

    @Test
    void anyOtherAnswerIsTheAnswer_andWhenNoReplicaAnswersTheLastFailureIsReported() throws Exception {
        var refusing = new AtomicInteger();
        var other = new AtomicInteger();
        String notFound = server(404, "{\"error\":\"unknown worker\"}", refusing);
        String spare = server(200, "{}", other);
        var client = new WorkerApiClient(notFound + "," + spare, "token", Duration.ofSeconds(5));
        assertThatThrownBy(() -> client.heartbeat("w")).isInstanceOf(WorkerApiException.class)
                .satisfies(e -> assertThat(((WorkerApiException) e).status()).isEqualTo(404));
        assertThat(other).hasValue(0);

        var allDown = new WorkerApiClient(nobodyListening() + "," + nobodyListening(), "token", Duration.ofSeconds(5));
        assertThatThrownBy(() -> allDown.heartbeat("w")).isInstanceOf(WorkerApiException.class)
                .satisfies(e -> assertThat(((WorkerApiException) e).status()).isZero());
    }
}
