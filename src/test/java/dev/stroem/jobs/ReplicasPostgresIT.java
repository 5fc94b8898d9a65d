package dev.stroem.jobs;

import static dev.stroem.jobs.ServerFixture.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stroem.config.RetentionConfig;
import dev.stroem.jobs.store.DatabaseUrl;
import dev.stroem.jobs.store.PostgresTestDatabase;
import dev.stroem.logs.LineNormalizer;
import dev.stroem.logs.LogLine;
import dev.stroem.logs.LogStream;
import dev.stroem.storage.S3ProxyServer;
import dev.stroem.web.ReplicaViewer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three server replicas on one PostgreSQL and one S3 bucket (S3Proxy), as three {@code ServerApp}s
 * in this JVM: each has its own database pool, local log directory, live hub, hint listener and
 * leader session, and they share nothing in memory (every object is built per server by {@code
 * ServerApp}; no static state). Lines pushed to any replica are read, exactly, from every other:
 * REST, raw, {@code full=true}, per step, WebSocket live and from a position, before and after the
 * archive, while the hint listener is killed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicasPostgresIT {
    private static final String WORKFLOW = """
            tasks:
              manual:
                flow:
                  work:
                    type: script
                    script: echo "run by the test through the worker API"
            """;

    @TempDir
    static Path dir;

    private static PostgresTestDatabase database;
    private static S3ProxyServer s3;
    private static ServerFixture a;
    private static ServerFixture b;
    private static ServerFixture c;

    @BeforeAll
    static void startReplicas() {
        database = PostgresTestDatabase.create();
        s3 = new S3ProxyServer().start();
        s3.createBucket("replicas");
        a = replica("a");
        b = replica("b");
        c = replica("c");
    }

    private static ServerFixture replica(String name) {
        return new ServerFixture(dir.resolve(name)).workflow("jobs.yaml", WORKFLOW).withDatabase(database.url())
                .withArchive(s3.archiveConfig("replicas", "logs/"))
                // Jobs a day old go, but only in the sweep a test runs with its clock moved on (the last test).
                .withRetention(new RetentionConfig(1L, null, null)).start();
    }

    @AfterAll
    static void stopReplicas() {
        for (var replica : new ServerFixture[] {a, b, c}) {
            if (replica != null) {
                replica.close();
            }
        }
        if (s3 != null) {
            s3.stop();
        }
        if (database != null) {
            database.close();
        }
    }

    @Test
    void linesPushedRoundRobin_areReadExactlyFromEveryReplica_liveFromAPosition_andAfterTheArchive() throws Exception {
        var replicas = List.of(a, b, c);
        String jobId = a.execute("manual", Map.of());
        String worker = startStep(jobId, b, c);
        try (var early = viewer(c, jobId, null)) {
            var expected = new ArrayList<String>();
            var normalizer = new LineNormalizer();
            for (int i = 0; i < 24; i++) {
                var lines = new ArrayList<String>();
                for (int k = 0; k < 4; k++) {
                    lines.add("batch " + i + " line " + k + " ünïcødé");
                }
                if (i == 10) {
                    lines.add("x".repeat(100 * 1024)); // one line of 100 KB: split into pieces on every replica alike
                }
                var answer = push(replicas.get(i % 3), jobId, "b-" + i, lines);
                assertThat(answer.path("duplicate").asBoolean()).isFalse();
                for (String text : lines) {
                    normalizer.normalize(List.of(new LogLine(Instant.EPOCH, LogStream.STDOUT, "work", text)))
                            .forEach(l -> expected.add(l.line()));
                }
            }
            // A worker that did not hear the answer retries the batch through another replica: stored once.
            var retried = push(replicas.get(2), jobId, "b-7", List.of("batch 7 line 0 ünïcødé", "batch 7 line 1 ünïcødé",
                    "batch 7 line 2 ünïcødé", "batch 7 line 3 ünïcødé"));
            assertThat(retried.path("duplicate").asBoolean()).isTrue();

            String whole = assertSameEverywhere(jobId);
            assertThat(texts(whole)).containsExactlyElementsOf(expected);
            for (var replica : replicas) {
                assertThat(replica.get("/api/jobs/" + jobId + "/steps/work/logs").path("logs").asText()).isEqualTo(whole);
                assertThat(body(replica, "/api/jobs/" + jobId + "/logs/raw")).isEqualTo(whole);
                assertThat(body(replica, "/api/jobs/" + jobId + "/logs?full=true")).isEqualTo(whole);
            }
            var wholeLines = whole.lines().toList();
            eventually().untilAsserted(() -> assertThat(early.lines()).containsExactlyElementsOf(wholeLines));
            try (var resumed = viewer(b, jobId, 40L)) {
                eventually().untilAsserted(() -> assertThat(resumed.lines())
                        .containsExactlyElementsOf(wholeLines.subList(40, wholeLines.size())));
            }

            // The step's output is read from its log by whichever replica hears "complete".
            push(b, jobId, "b-output", List.of("OUTPUT: {\"answer\": 42}"));
            c.worker("/worker/jobs/" + jobId + "/steps/work/complete", Map.of("exit_code", 0));
            var done = a.awaitStatus(jobId, "completed");
            assertThat(done.path("steps").get(0).path("output").path("answer").asInt()).isEqualTo(42);

            a.awaitArchivedUpToDate(jobId);
            // The archive holds every chunk now: all but the last (the numbering anchor) are gone.
            eventually().untilAsserted(() -> assertThat(chunkCount(jobId)).isEqualTo(1));
            String finished = assertSameEverywhere(jobId);
            assertThat(finished).startsWith(whole).contains("OUTPUT: {");
            // Three uploaders raced for it (one lease): the archive holds exactly the log.
            assertThat(archived(a.job(jobId).path("archive").path("key").asText())).isEqualTo(finished);
            var finishedLines = finished.lines().toList();
            eventually().untilAsserted(() -> assertThat(early.closed()).isTrue());
            assertThat(early.lines()).containsExactlyElementsOf(finishedLines);
        }
        assertThat(worker).isNotBlank();
    }

    @Test
    void theHintListenerIsKilledWhileLinesFlow_aViewerOnAnotherReplicaMissesNothing() throws Exception {
        String jobId = b.execute("manual", Map.of());
        startStep(jobId, a, a);
        try (var viewer = viewer(b, jobId, 0L)) {
            for (int i = 0; i < 40; i++) {
                push(a, jobId, "k-" + i, List.of("flowing " + i + " a", "flowing " + i + " b"));
                if (i == 15) {
                    terminate("stroem-hints-in-%");
                }
            }
            String whole = a.get("/api/jobs/" + jobId + "/logs").path("logs").asText();
            assertThat(whole.lines()).hasSize(80);
            eventually().untilAsserted(() -> assertThat(viewer.lines()).containsExactlyElementsOf(whole.lines().toList()));
        }
        eventually().untilAsserted(() -> assertThat(b.send("GET", "/healthz/detail", null, ServerFixture.WORKER_TOKEN).body())
                .contains("\"hints_listening\":true"));
        // Replica b copied what a stored; it says so.
        assertThat(body(b, "/metrics")).containsPattern("stroem_log_replica_lines_copied_total\\{from=\"chunks\",?\\} [1-9]");
        a.worker("/worker/jobs/" + jobId + "/steps/work/complete", Map.of("exit_code", 0));
        a.awaitStatus(jobId, "completed");
    }

    @Test
    void aLineAfterTheArchive_throughAReplicaWithoutACopy_isNumberedAfterTheArchivedOnes_andArchivedAgain() throws Exception {
        String jobId = a.execute("manual", Map.of());
        startStep(jobId, a, a);
        push(a, jobId, "only-a-1", List.of("first", "second"));
        push(a, jobId, "only-a-2", List.of("third"));
        a.worker("/worker/jobs/" + jobId + "/steps/work/complete", Map.of("exit_code", 0));
        a.awaitArchivedUpToDate(jobId);
        eventually().untilAsserted(() -> assertThat(chunkCount(jobId)).isEqualTo(1));
        assertThat(b.logDir().resolve(jobId + ".jsonl")).doesNotExist();

        // b never saw the job: it fills its copy from the archive, then stores the late line after it.
        var late = push(b, jobId, "late", List.of("late line"));
        assertThat(late.path("duplicate").asBoolean()).isFalse();
        eventually().untilAsserted(() -> {
            var job = a.job(jobId).path("archive");
            assertThat(job.path("archived_generation").asLong()).isEqualTo(job.path("generation").asLong());
            assertThat(job.path("generation").asLong()).isGreaterThan(1);
        });
        String whole = assertSameEverywhere(jobId);
        assertThat(texts(whole)).containsExactly("first", "second", "third", "late line");
        assertThat(archived(a.job(jobId).path("archive").path("key").asText())).isEqualTo(whole);
        assertThat(body(b, "/metrics")).containsPattern("stroem_log_replica_lines_copied_total\\{from=\"archive\",?\\} [1-9]");
    }

    @Test
    void aCancelOnOneReplica_isSeenAtOnceByAWorkerAskingAnother() {
        String jobId = a.execute("manual", Map.of());
        startStep(jobId, b, b);
        c.post("/api/jobs/" + jobId + "/cancel", null);
        var answer = b.send("GET", "/worker/jobs/" + jobId + "/cancelled", null, ServerFixture.WORKER_TOKEN);
        assertThat(answer.body()).contains("\"cancelled\":true");
        assertThat(b.serverEvents(jobId)).containsExactly("[orchestrator] Job cancelled by api");
    }

    @Test
    @Order(Integer.MAX_VALUE) // moves one replica's clock two days on: every finished job is then old
    void retentionOnOneReplica_deletesTheCopiesOfTheJobsLogOnEveryReplica() {
        String jobId = a.execute("manual", Map.of());
        startStep(jobId, c, c);
        push(b, jobId, "r-1", List.of("kept for a day"));
        assertSameEverywhere(jobId); // every replica holds a copy now
        a.worker("/worker/jobs/" + jobId + "/steps/work/complete", Map.of("exit_code", 0));
        a.awaitArchivedUpToDate(jobId);
        for (var replica : List.of(a, b, c)) {
            assertThat(replica.logDir().resolve(jobId + ".jsonl")).exists();
        }

        c.clock.advance(Duration.ofDays(2));
        c.app().retentionSweeper().sweepOnce();

        assertThat(a.send("GET", "/api/jobs/" + jobId, null, null).statusCode()).isEqualTo(404);
        for (var replica : List.of(a, b, c)) {
            eventually().untilAsserted(() -> assertThat(replica.logDir().resolve(jobId + ".jsonl")).doesNotExist());
        }
    }

    /** A viewer with try-with-resources: it leaves when the block ends. */
    private record Viewing(ReplicaViewer viewer) implements AutoCloseable {
        List<String> lines() {
            return viewer.lines();
        }

        boolean closed() {
            return viewer.ended();
        }

        @Override
        public void close() {
            viewer.disconnect();
        }
    }

    private static Viewing viewer(ServerFixture replica, String jobId, Long from) {
        return new Viewing(ReplicaViewer.open(replica.app().port(), jobId, from));
    }

    private static String archived(String key) throws Exception {
        var blob = s3.blobStore().getBlob("replicas", key);
        assertThat(blob).as("archived object %s", key).isNotNull();
        try (var in = new java.util.zip.GZIPInputStream(blob.getPayload().openStream())) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    // --- helpers ---------------------------------------------------------------------------------

    /** Registers a worker on {@code registerOn}, claims the job's step there and starts it on {@code startOn}. */
    private static String startStep(String jobId, ServerFixture registerOn, ServerFixture startOn) {
        String worker = registerOn.worker("/worker/register", Map.of("name", "w-" + jobId)).path("worker_id").asText();
        var claim = registerOn.worker("/worker/jobs/claim", Map.of("worker_id", worker));
        assertThat(claim.path("job_id").asText()).isEqualTo(jobId);
        startOn.worker("/worker/jobs/" + jobId + "/steps/work/start", Map.of("worker_id", worker));
        return worker;
    }

    private static JsonNode push(ServerFixture replica, String jobId, String batchId, List<String> lines) {
        var body = new LinkedHashMap<String, Object>();
        body.put("step_name", "work");
        body.put("batch_id", batchId);
        body.put("lines", lines.stream().map(l -> Map.of("ts", Instant.now().toString(), "stream", "stdout", "line", l)).toList());
        return replica.worker("/worker/jobs/" + jobId + "/logs", body);
    }

    /** The job's whole log as JSONL, the same text from every replica; returns it. */
    private static String assertSameEverywhere(String jobId) {
        String whole = a.get("/api/jobs/" + jobId + "/logs").path("logs").asText();
        assertThat(b.get("/api/jobs/" + jobId + "/logs").path("logs").asText()).isEqualTo(whole);
        assertThat(c.get("/api/jobs/" + jobId + "/logs").path("logs").asText()).isEqualTo(whole);
        return whole;
    }

    private static String body(ServerFixture replica, String path) {
        var response = replica.send("GET", path, null, null);
        assertThat(response.statusCode()).as(path).isEqualTo(200);
        return response.body();
    }

    private static List<String> texts(String jsonl) {
        var json = a.json;
        return jsonl.lines().map(l -> {
            try {
                return json.readTree(l).path("line").asText();
            } catch (Exception e) {
                throw new AssertionError(l, e);
            }
        }).toList();
    }

    private static Connection connect() throws Exception {
        var url = DatabaseUrl.parse(database.url());
        var props = new Properties();
        if (url.user() != null) {
            props.setProperty("user", url.user());
        }
        if (url.password() != null) {
            props.setProperty("password", url.password());
        }
        return DriverManager.getConnection(url.jdbcUrl(), props);
    }

    private static long chunkCount(String jobId) throws Exception {
        try (var conn = connect(); var st = conn.prepareStatement("SELECT COUNT(*) FROM log_chunks WHERE job_id = ?")) {
            st.setString(1, jobId);
            try (var rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Ends the sessions whose application name matches {@code pattern}, as a network cut would. */
    private static void terminate(String pattern) throws Exception {
        try (var conn = connect(); var st = conn.prepareStatement(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name LIKE ? AND datname = current_database()")) {
            st.setString(1, pattern);
            st.execute();
        }
    }
}
