package dev.stroem.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Follows a job's log over the live WebSocket of docs/api.md with {@code control=true}: every
 * frame says which line positions it carries, so after a drop (server restart, network) the
 * follower reconnects with {@code from=<next>} and goes on exactly where it stopped: no line
 * twice, none missing. It returns the job's final status once the server sends {@code end}.
 */
public final class LiveLogFollower {

    /**
     * @param initialBackoff first pause before reconnecting; doubles up to {@code maxBackoff}
     * @param giveUpAfter how long the server may stay unreachable after a drop before following fails
     * @param idleBeforePing with no frame for this long the follower pings; no answer for as long again
     *     counts as a drop (a connection that died without a close)
     */
    public record Settings(Duration initialBackoff, Duration maxBackoff, Duration giveUpAfter, Duration idleBeforePing) {
        public static Settings defaults() {
            return new Settings(Duration.ofMillis(250), Duration.ofSeconds(5), Duration.ofMinutes(5), Duration.ofSeconds(20));
        }
    }

    /** What the listener saw, handed to the following thread in order. */
    private sealed interface Event {
        record Text(String text) implements Event {}
        record Closed(int code, String reason) implements Event {}
        record Failed(Throwable error) implements Event {}
        record Pong() implements Event {}
    }

    /** How one connection ended. */
    private sealed interface Outcome {
        record Ended(String status) implements Outcome {}
        record Dropped(String why, boolean progressed) implements Outcome {}
    }

    private static final int MAX_CLOSES_WITHOUT_PROGRESS = 3;

    private final ApiClient api;
    private final PrintWriter notices;
    private final Settings settings;
    private final ObjectMapper json = new ObjectMapper();

    /** @param notices where reconnect notices go (stderr), apart from the lines themselves */
    public LiveLogFollower(ApiClient api, PrintWriter notices, Settings settings) {
        this.api = api;
        this.notices = notices;
        this.settings = settings;
    }

    /**
     * Delivers every line of the job's log from position {@code from} on (only {@code step}'s lines
     * when it is not null) to {@code lines}, one JSONL line per call, as they arrive, and returns the
     * job's final status ({@code completed}, {@code failed} or {@code cancelled}).
     *
     * @param frameDone called after the lines of each frame, e.g. to flush the output
     * @throws CliException when the job does not exist, the token is refused, or the server cannot
     *     be reached (at first, or for longer than {@link Settings#giveUpAfter()} after a drop)
     */
    public String follow(String jobId, String step, long from, Consumer<String> lines, Runnable frameDone)
            throws InterruptedException {
        var position = new long[] {from};
        Duration backoff = settings.initialBackoff();
        boolean everConnected = false;
        Instant droppedAt = null;
        int closesWithoutProgress = 0;
        while (true) {
            Connection connection;
            try {
                connection = connect(jobId, step, position[0]);
            } catch (ConnectFailed e) {
                if (!everConnected) {
                    throw api.unreachable(e.getCause());
                }
                if (Duration.between(droppedAt, Instant.now()).compareTo(settings.giveUpAfter()) > 0) {
                    throw new CliException("lost the connection to the Strøm server at " + api.serverUrl()
                            + " and could not reconnect within " + describe(settings.giveUpAfter()), e.getCause());
                }
                Thread.sleep(backoff.toMillis());
                backoff = min(backoff.multipliedBy(2), settings.maxBackoff());
                continue;
            }
            if (droppedAt != null) {
                notices.println("stroem: reconnected; resuming after line " + position[0] + ".");
                notices.flush();
            }
            everConnected = true;
            backoff = settings.initialBackoff();
            Outcome outcome;
            try {
                outcome = connection.pump(step, position, lines, frameDone);
            } finally {
                connection.socket.abort();
            }
            if (outcome instanceof Outcome.Ended ended) {
                return ended.status();
            }
            var dropped = (Outcome.Dropped) outcome;
            closesWithoutProgress = dropped.progressed() ? 0 : closesWithoutProgress + 1;
            if (closesWithoutProgress >= MAX_CLOSES_WITHOUT_PROGRESS) {
                throw new CliException("the server at " + api.serverUrl() + " keeps closing the live log of job "
                        + jobId + " without saying that the job ended (" + dropped.why() + ")");
            }
            notices.println("stroem: the live log connection dropped (" + dropped.why() + "); reconnecting.");
            notices.flush();
            droppedAt = Instant.now();
        }
    }

    /** A connection attempt that did not get a WebSocket; the cause says why. */
    private static final class ConnectFailed extends Exception {
        ConnectFailed(Throwable cause) {
            super(cause);
        }
    }

    private Connection connect(String jobId, String step, long from) throws ConnectFailed, InterruptedException {
        var events = new LinkedBlockingQueue<Event>();
        var future = api.webSocket().buildAsync(api.liveLogUri(jobId, step, from), new Listener(events));
        try {
            WebSocket socket = future.get(ApiClient.CONNECT_TIMEOUT.toMillis() * 2, TimeUnit.MILLISECONDS);
            return new Connection(socket, events);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof WebSocketHandshakeException handshake) {
                int status = handshake.getResponse().statusCode();
                if (status == 404) {
                    // Unknown job, or a server without the live log endpoint: the job's own URL tells which.
                    api.job(jobId);
                    throw new CliException("the server at " + api.serverUrl() + " has no live log stream for job "
                            + jobId + " (HTTP 404); it may be older than this CLI");
                }
                if (status == 401) {
                    throw api.refused(401, "");
                }
                if (status < 500) {
                    throw new CliException("the server at " + api.serverUrl() + " refused the live log stream of job "
                            + jobId + " (HTTP " + status + ")");
                }
            }
            throw new ConnectFailed(cause);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new ConnectFailed(e);
        }
    }

    /** One WebSocket and the events of its listener. */
    private final class Connection {
        private final WebSocket socket;
        private final BlockingQueue<Event> events;

        Connection(WebSocket socket, BlockingQueue<Event> events) {
            this.socket = socket;
            this.events = events;
        }

        Outcome pump(String step, long[] position, Consumer<String> lines, Runnable frameDone)
                throws InterruptedException {
            long start = position[0];
            boolean pinged = false;
            while (true) {
                Event event = events.poll(settings.idleBeforePing().toMillis(), TimeUnit.MILLISECONDS);
                boolean progressed = position[0] > start;
                if (event == null) {
                    if (pinged) {
                        return new Outcome.Dropped("no answer from the server", progressed);
                    }
                    socket.sendPing(ByteBuffer.allocate(0));
                    pinged = true;
                    continue;
                }
                pinged = false;
                if (event instanceof Event.Closed closed) {
                    return new Outcome.Dropped("closed with code " + closed.code()
                            + (closed.reason().isBlank() ? "" : ": " + closed.reason()), progressed);
                }
                if (event instanceof Event.Failed failed) {
                    return new Outcome.Dropped(failed.error().getClass().getSimpleName()
                            + (failed.error().getMessage() == null ? "" : ": " + failed.error().getMessage()), progressed);
                }
                if (event instanceof Event.Text text) {
                    Outcome outcome = handle(parse(text.text()), step, position, lines, frameDone);
                    if (outcome instanceof Outcome.Dropped dropped) {
                        return new Outcome.Dropped(dropped.why(), position[0] > start);
                    }
                    if (outcome != null) {
                        return outcome;
                    }
                }
            }
        }

        /** Applies one control frame; an outcome when it ends this connection, else null. */
        private Outcome handle(JsonNode frame, String step, long[] position, Consumer<String> lines, Runnable frameDone) {
            long next = frame.path("next").asLong(-1);
            switch (frame.path("type").asText("")) {
                case "position" -> position[0] = Math.max(position[0], next);
                case "lines" -> {
                    long first = frame.path("first").asLong(-1);
                    if (first < 0 || next < first) {
                        throw malformed("a lines frame without valid first/next positions");
                    }
                    if (first > position[0]) {
                        // The server skipped lines we have not seen: ask again from where we are.
                        return new Outcome.Dropped("the server skipped from line " + position[0] + " to " + first,
                                false);
                    }
                    if (next > position[0]) {
                        List<String> data = frame.path("data").asText("").lines().filter(l -> !l.isEmpty()).toList();
                        // Lines before our position were delivered already; without a step filter each position
                        // is one line, so a repeat can be cut off exactly.
                        int skip = step == null ? (int) Math.min(data.size(), position[0] - first) : 0;
                        data.subList(skip, data.size()).forEach(lines);
                        frameDone.run();
                        position[0] = next;
                    }
                }
                case "end" -> {
                    position[0] = Math.max(position[0], next);
                    String status = frame.path("status").asText("");
                    if (ExitCodes.forJobStatus(status).isEmpty()) {
                        throw malformed("an end frame with the unknown status \"" + status + "\"");
                    }
                    socket.sendClose(WebSocket.NORMAL_CLOSURE, "");
                    return new Outcome.Ended(status);
                }
                default -> { } // A frame type from a newer server: nothing this client needs.
            }
            return null;
        }

        private JsonNode parse(String text) {
            try {
                JsonNode node = json.readTree(text);
                if (node != null && node.isObject() && node.has("type")) {
                    return node;
                }
            } catch (IOException e) {
                // Reported below.
            }
            throw malformed("a frame that is not a control envelope");
        }

        private CliException malformed(String what) {
            return new CliException("the server at " + api.serverUrl() + " sent " + what
                    + " on the live log stream (it needs to support control=true of docs/api.md)");
        }
    }

    /** Hands the socket's callbacks to the following thread; whole messages only. */
    private static final class Listener implements WebSocket.Listener {
        private final BlockingQueue<Event> events;
        private final StringBuilder partial = new StringBuilder();

        Listener(BlockingQueue<Event> events) {
            this.events = events;
        }

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                events.add(new Event.Text(partial.toString()));
                partial.setLength(0);
            }
            socket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket socket, ByteBuffer data, boolean last) {
            socket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPong(WebSocket socket, ByteBuffer message) {
            events.add(new Event.Pong());
            socket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket socket, int statusCode, String reason) {
            events.add(new Event.Closed(statusCode, reason == null ? "" : reason));
            return null;
        }

        @Override
        public void onError(WebSocket socket, Throwable error) {
            events.add(new Event.Failed(error));
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static String describe(Duration d) {
        long s = d.toSeconds();
        return s % 60 == 0 ? (s / 60) + " minute" + (s == 60 ? "" : "s") : s + " seconds";
    }
}
