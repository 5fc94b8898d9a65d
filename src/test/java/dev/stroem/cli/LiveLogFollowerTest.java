package dev.stroem.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.NotFoundResponse;
import io.javalin.websocket.WsConnectContext;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.eclipse.jetty.websocket.api.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The CLI's live log follower against a stand-in WebSocket endpoint that speaks the control protocol
 * of docs/api.md ("Live logs", {@code control=true}): the server's real endpoint is built on another
 * branch and not merged yet. Each connection to the stand-in plays a script of frames, so drops,
 * repeats and skips happen exactly where a test wants them.
 */
class LiveLogFollowerTest {

    private static final String JOB = "job-1";
    private static final LiveLogFollower.Settings FAST = new LiveLogFollower.Settings(Duration.ofMillis(20),
            Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofSeconds(20));

    private final ObjectMapper json = new ObjectMapper();
    private final List<Consumer<WsConnectContext>> scripts = new ArrayList<>();
    private final List<Map<String, List<String>>> queries = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final StringWriter notices = new StringWriter();
    private final List<String> received = new ArrayList<>();
    private Javalin standIn;
    private volatile boolean withoutLiveEndpoint;

    @AfterEach
    void stop() {
        if (standIn != null) {
            standIn.stop();
        }
    }

    private void startStandIn() {
        standIn = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.routes.wsBeforeUpgrade("/api/jobs/{id}/logs/stream", ctx -> {
                if (!ctx.pathParam("id").equals(JOB) || withoutLiveEndpoint) {
                    throw new NotFoundResponse("no job with id " + ctx.pathParam("id"));
                }
            });
            config.routes.get("/api/jobs/{id}", ctx -> {
                if (!ctx.pathParam("id").equals(JOB)) {
                    ctx.status(404).json(Map.of("error", "no job with id " + ctx.pathParam("id")));
                    return;
                }
                ctx.json(Map.of("job_id", JOB, "status", "running"));
            });
            config.routes.ws("/api/jobs/{id}/logs/stream", ws -> ws.onConnect(ctx -> {
                queries.add(ctx.queryParamMap());
                int n = connections.getAndIncrement();
                scripts.get(Math.min(n, scripts.size() - 1)).accept(ctx);
            }));
        }).start("127.0.0.1", 0);
    }

    private String follow() throws InterruptedException {
        return follow(null, 0);
    }

    private String follow(String step, long from) throws InterruptedException {
        var api = new ApiClient("http://127.0.0.1:" + standIn.port(), null);
        return new LiveLogFollower(api, new PrintWriter(notices, true), FAST).follow(JOB, step, from, received::add, () -> {});
    }

    // --- the stand-in's frames --------------------------------------------------------------

    private static String line(int i) {
        return "{\"ts\":\"2026-01-01T00:00:00.000Z\",\"stream\":\"stdout\",\"step\":\"s\",\"line\":\"line " + i + "\"}";
    }

    private static List<String> lines(int fromInclusive, int toExclusive) {
        return IntStream.range(fromInclusive, toExclusive).mapToObj(LiveLogFollowerTest::line).toList();
    }

    private void sendLines(WsConnectContext ctx, int first, int next) {
        ctx.send(linesFrame(first, next));
    }

    private String linesFrame(int first, int next) {
        try {
            return json.writeValueAsString(Map.of("type", "lines", "first", first, "next", next, "data",
                    String.join("\n", lines(first, next)) + "\n"));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private void send(WsConnectContext ctx, Map<String, Object> frame) {
        try {
            ctx.send(json.writeValueAsString(frame));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private void end(WsConnectContext ctx, String status, int next) {
        send(ctx, Map.of("type", "end", "status", status, "next", next));
        ctx.closeSession(1000, "");
    }

    private static int from(Map<String, List<String>> query) {
        return Integer.parseInt(query.get("from").get(0));
    }

    // --- tests -----------------------------------------------------------------------------

    @Test
    void printsBackfillAndLiveLinesInOrderAndReturnsTheFinalStatus() throws Exception {
        scripts.add(ctx -> {
            send(ctx, Map.of("type", "position", "next", 0));
            sendLines(ctx, 0, 3);
            sendLines(ctx, 3, 5);
            end(ctx, "completed", 5);
        });
        startStandIn();

        assertThat(follow()).isEqualTo("completed");
        assertThat(received).containsExactlyElementsOf(lines(0, 5));
        assertThat(queries.get(0)).containsEntry("control", List.of("true")).containsEntry("from", List.of("0"));
    }

    @Test
    void afterAServerCloseItReconnectsFromWhereItStoppedWithoutGapOrRepeat() throws Exception {
        scripts.add(ctx -> {
            sendLines(ctx, 0, 4);
            ctx.closeSession(1001, "server restarting");
        });
        scripts.add(ctx -> {
            int from = from(queries.get(1));
            sendLines(ctx, from, 9);
            end(ctx, "failed", 9);
        });
        startStandIn();

        assertThat(follow()).isEqualTo("failed");
        assertThat(received).containsExactlyElementsOf(lines(0, 9));
        assertThat(from(queries.get(1))).isEqualTo(4);
        assertThat(notices.toString()).contains("reconnecting", "resuming after line 4");
    }

    @Test
    void afterAnAbruptDisconnectItReconnectsFromWhereItStopped() throws Exception {
        scripts.add(ctx -> {
            sendLines(ctx, 0, 2);
            ctx.session.disconnect();
        });
        scripts.add(ctx -> {
            sendLines(ctx, from(queries.get(1)), 6);
            end(ctx, "cancelled", 6);
        });
        startStandIn();

        assertThat(follow()).isEqualTo("cancelled");
        assertThat(received).containsExactlyElementsOf(lines(0, 6));
    }

    @Test
    void linesTheServerSendsAgainAfterAReconnectArePrintedOnce() throws Exception {
        scripts.add(ctx -> {
            sendLines(ctx, 0, 5);
            ctx.closeSession(1011, "oops");
        });
        scripts.add(ctx -> {
            sendLines(ctx, 2, 5); // entirely seen already
            sendLines(ctx, 3, 8); // overlaps: 3 and 4 were seen
            end(ctx, "completed", 8);
        });
        startStandIn();

        assertThat(follow()).isEqualTo("completed");
        assertThat(received).containsExactlyElementsOf(lines(0, 8));
    }

    @Test
    void aSkipInPositionsMakesItAskAgainFromItsOwnPosition() throws Exception {
        scripts.add(ctx -> {
            sendLines(ctx, 0, 3);
            sendLines(ctx, 5, 7); // lines 3 and 4 never came
        });
        scripts.add(ctx -> {
            int from = from(queries.get(1));
            sendLines(ctx, from, 7);
            end(ctx, "completed", 7);
        });
        startStandIn();

        assertThat(follow()).isEqualTo("completed");
        assertThat(received).containsExactlyElementsOf(lines(0, 7));
        assertThat(from(queries.get(1))).isEqualTo(3);
    }

    @Test
    void aStepFilterAndAStartPositionAreSentToTheServer() throws Exception {
        scripts.add(ctx -> {
            send(ctx, Map.of("type", "position", "next", 12));
            end(ctx, "completed", 12);
        });
        startStandIn();

        assertThat(follow("build", 10)).isEqualTo("completed");
        assertThat(queries.get(0)).containsEntry("step", List.of("build")).containsEntry("from", List.of("10"));
        assertThat(received).isEmpty();
    }

    @Test
    void anUnknownJobIsOneSentence() {
        scripts.add(ctx -> {});
        startStandIn();
        var api = new ApiClient("http://127.0.0.1:" + standIn.port(), null);

        assertThatThrownBy(() -> new LiveLogFollower(api, new PrintWriter(notices), FAST)
                .follow("nope", null, 0, received::add, () -> {}))
                .isInstanceOf(CliException.class)
                .hasMessage("no job with id nope");
    }

    @Test
    void aServerWithoutTheLiveEndpointIsToldApartFromAnUnknownJob() {
        scripts.add(ctx -> {});
        withoutLiveEndpoint = true;
        startStandIn();

        assertThatThrownBy(this::follow)
                .isInstanceOf(CliException.class)
                .hasMessageContaining("has no live log stream for job " + JOB);
    }

    @Test
    void aServerThatCannotBeReachedAtAllIsOneSentence() throws Exception {
        int port;
        try (var socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        var api = new ApiClient("http://127.0.0.1:" + port, null);

        assertThatThrownBy(() -> new LiveLogFollower(api, new PrintWriter(notices), FAST)
                .follow(JOB, null, 0, received::add, () -> {}))
                .isInstanceOf(CliException.class)
                .hasMessage("cannot reach the Strøm server at http://127.0.0.1:" + port + ": connection refused");
    }

    @Test
    void aServerThatStaysAwayAfterADropEndsTheFollowWithASentence() throws Exception {
        scripts.add(ctx -> {
            // Stop only once the frame is on the wire: ctx.send is asynchronous, and a stop racing
            // it would drop the lines this test expects the follower to have printed.
            Runnable stopServer = () -> new Thread(() -> standIn.stop()).start();
            ctx.session.sendText(linesFrame(0, 2), Callback.from(stopServer, failure -> stopServer.run()));
        });
        startStandIn();

        assertThatThrownBy(this::follow)
                .isInstanceOf(CliException.class)
                .hasMessageStartingWith("lost the connection to the Strøm server at http://127.0.0.1:")
                .hasMessageContaining("could not reconnect within 2 seconds");
        assertThat(received).containsExactlyElementsOf(lines(0, 2));
    }

    @Test
    void aFrameThatIsNotAControlEnvelopeIsAClearError() throws Exception {
        scripts.add(ctx -> ctx.send(line(0)));
        startStandIn();

        assertThatThrownBy(this::follow)
                .isInstanceOf(CliException.class)
                .hasMessageContaining("control=true");
    }
}
