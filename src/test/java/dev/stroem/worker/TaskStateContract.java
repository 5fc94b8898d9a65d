package dev.stroem.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stroem.web.HttpTestClient;
import dev.stroem.web.TestServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Task and global state end to end: a real server, one real {@code stroem worker} process
 * (target/stroem.jar) for the whole class, and scripts that read {@code $STATE_DIR} and write
 * {@code $STATE_OUT_DIR} as a user's would. The subclass chooses the database and where
 * snapshots are kept.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class TaskStateContract {
    static final int MAX_SNAPSHOTS = 2;
    static final ObjectMapper JSON = new ObjectMapper();

    static final String WORKFLOW = """
            tasks:
              counter:
                input:
                  fail: { type: string, default: "no" }
                flow:
                  bump:
                    type: script
                    input:
                      fail: "{{ input.fail }}"
                    script: |
                      prev=$(cat "$STATE_DIR/count.txt" 2>/dev/null || echo 0)
                      echo "previous count $prev, nested: $(cat "$STATE_DIR/nested/deeper/note.txt" 2>/dev/null || echo none)"
                      echo "template: state {{ state.count | default(value='none') }}, first run {{ not state }}, global {{ global_state.region | default(value='none') }}"
                      next=$((prev + 1))
                      echo "$next" > "$STATE_OUT_DIR/count.txt"
                      mkdir -p "$STATE_OUT_DIR/nested/deeper"
                      echo "written by run $next" > "$STATE_OUT_DIR/nested/deeper/note.txt"
                      echo "STATE: {\\"count\\": $next}"
                      echo "STATE: {\\"meta\\": {\\"by\\": \\"$STROEM_JOB_ID\\"}}"
                      [ "{{ input.fail }}" = "no" ] || { echo "failing on purpose" >&2; exit 3; }
              fresh:
                flow:
                  write:
                    type: script
                    script: |
                      echo "saved" > "$STATE_OUT_DIR/saved.txt"
              global-writer:
                flow:
                  write:
                    type: script
                    script: |
                      echo "shared by $STROEM_JOB_ID" > "$GLOBAL_STATE_OUT_DIR/shared.txt"
                      echo 'GLOBAL_STATE: {"region": "eu"}'
              global-reader:
                flow:
                  read:
                    type: script
                    script: |
                      echo "global: $(cat "$GLOBAL_STATE_DIR/shared.txt" 2>/dev/null || echo none)"
                      echo "own: $(ls "$STATE_DIR" | wc -l) files"
                      echo "template: global {{ global_state.region }}, state absent {{ state is not defined }}"
              big-state:
                flow:
                  write:
                    type: script
                    script: |
                      echo "template: blob of {{ state.blob | default(value='') | length }} characters"
                      blob=$(head -c 20000 /dev/zero | tr '\\0' 'a')
                      echo "STATE: {\\"blob\\": \\"$blob\\"}"
              racer:
                flow:
                  race:
                    type: script
                    script: |
                      if [ -f "$STATE_DIR/blob" ]; then
                        if [ "$(sha256sum < "$STATE_DIR/blob" | cut -d' ' -f1)" = "$(cat "$STATE_DIR/blob.sha256")" ]; then
                          echo "read the whole snapshot of $(cat "$STATE_DIR/writer")"
                        else
                          echo "read a torn snapshot" >&2
                          exit 1
                        fi
                      fi
                      head -c 1000000 /dev/urandom > "$STATE_OUT_DIR/blob"
                      sha256sum < "$STATE_OUT_DIR/blob" | cut -d' ' -f1 > "$STATE_OUT_DIR/blob.sha256"
                      echo "$STROEM_JOB_ID" > "$STATE_OUT_DIR/writer"
            """;

    /** The class's folder (a {@code @TempDir} field is not there yet in a per-class {@code @BeforeAll}). */
    Path dir;

    private AutoCloseable database;
    TestServer server;
    HttpTestClient api;
    HttpTestClient workerApi;
    private Process worker;

    /** The database URL; {@code cleanup} is closed after the class. */
    abstract String databaseUrl(Path dir, List<AutoCloseable> cleanup);

    /** The {@code state_storage} section (with {@code max_snapshots: MAX_SNAPSHOTS}). */
    abstract String stateStorageYaml(Path dir);

    /** How many snapshot objects the store holds for {@code scope} (a task, or {@code _global}). */
    abstract long snapshotObjects(String scope);

    @BeforeAll
    void startServerAndWorker() throws IOException {
        dir = Files.createTempDirectory("task-state-it-").toRealPath();
        var cleanup = new ArrayList<AutoCloseable>();
        String url = databaseUrl(dir, cleanup);
        database = () -> {
            for (var c : cleanup) {
                c.close();
            }
        };
        server = TestServer.in(dir, url).localArchive(dir.resolve("archive")).workflowFile("state.yaml", WORKFLOW)
                .yaml(stateStorageYaml(dir)).start();
        api = server.api();
        workerApi = new HttpTestClient(server.url(), TestServer.WORKER_TOKEN);
        Path config = Files.writeString(dir.resolve("worker-config.yaml"), """
                server_url: "%s"
                worker_token: "%s"
                worker_name: state-it-worker
                max_concurrent: 4
                poll_interval_secs: 1
                work_dir: "%s"
                spool_dir: "%s"
                """.formatted(server.url(), TestServer.WORKER_TOKEN, dir.resolve("work"), dir.resolve("spool")));
        worker = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-Xmx256m", "-jar", System.getProperty("stroem.jar", "target/stroem.jar"),
                "worker", "--config", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("worker.log").toFile())
                .start();
    }

    @AfterAll
    void stopAll() throws Exception {
        if (worker != null) {
            worker.destroy();
            if (!worker.waitFor(30, TimeUnit.SECONDS)) {
                worker.destroyForcibly().waitFor();
            }
        }
        if (server != null) {
            server.close();
        }
        if (database != null) {
            database.close();
        }
        if (dir != null) {
            StepProcess.deleteTree(dir);
        }
    }

    static ConditionFactory eventually() {
        return Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100));
    }

    String execute(String task, Map<String, Object> input) {
        var answer = api.post("/api/workspaces/default/tasks/" + task + "/execute", Map.of("input", input));
        assertThat(answer.status()).as("%s", answer).isEqualTo(200);
        return answer.json().path("job_id").asText();
    }

    /** Waits for the job's end; returns it. */
    JsonNode finished(String jobId) throws IOException {
        try {
            eventually().until(() -> List.of("completed", "failed", "cancelled").contains(
                    api.get("/api/jobs/" + jobId).json().path("status").asText()));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("job " + jobId + " did not end: " + api.get("/api/jobs/" + jobId).body()
                    + "\nworker log:\n" + workerLog(), e);
        }
        return api.get("/api/jobs/" + jobId).json();
    }

    JsonNode completed(String task, Map<String, Object> input) throws IOException {
        var job = finished(execute(task, input));
        assertThat(job.path("status").asText()).as("%s\nworker log:\n%s", job, workerLog()).isEqualTo("completed");
        return job;
    }

    String workerLog() throws IOException {
        return Files.readString(dir.resolve("worker.log"));
    }

    /** The job's stdout and stderr lines, in order. */
    List<String> lines(String jobId) throws IOException {
        var out = new ArrayList<String>();
        for (String line : api.get("/api/jobs/" + jobId + "/logs").json().path("logs").asText().lines().toList()) {
            out.add(JSON.readTree(line).path("line").asText());
        }
        return out;
    }

    /** The latest snapshot of a scope as the worker API serves it; null when there is none. */
    Snapshot latest(String scope) {
        String path = scope.equals("_global") ? "/worker/state/default/global" : "/worker/state/default/tasks/" + scope;
        try {
            HttpResponse<java.io.InputStream> r = workerApi.getStream(path);
            try (var body = r.body()) {
                if (r.statusCode() == 204) {
                    return null;
                }
                assertThat(r.statusCode()).isEqualTo(200);
                return new Snapshot(r.headers().firstValue("X-Stroem-Snapshot-Id").orElseThrow(),
                        r.headers().firstValue("X-Stroem-State").orElse(null), untar(body.readAllBytes()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    record Snapshot(String id, String state, Map<String, byte[]> files) {
        String text(String name) {
            byte[] bytes = files.get(name);
            return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
        }
    }

    static Map<String, byte[]> untar(byte[] tarGz) throws IOException {
        var files = new LinkedHashMap<String, byte[]>();
        try (var tar = new TarArchiveInputStream(new GzipCompressorInputStream(new ByteArrayInputStream(tarGz)))) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                if (e.isFile()) {
                    files.put(e.getName(), tar.readAllBytes());
                }
            }
        }
        return files;
    }

    @Test
    void aRunReadsWhatTheLastSuccessfulRunLeftAndAFailedRunLeavesItCurrent() throws Exception {
        String firstId = completed("counter", Map.of()).path("job_id").asText();
        assertThat(lines(firstId)).contains("previous count 0, nested: none")
                .anySatisfy(l -> assertThat(l).startsWith("template: state none, first run true, global "));
        var one = latest("counter");
        assertThat(one.text("count.txt")).isEqualTo("1\n");
        assertThat(one.text("nested/deeper/note.txt")).isEqualTo("written by run 1\n");
        assertThat(JSON.readTree(one.text("state.json")).path("count").asInt()).isEqualTo(1);

        var second = completed("counter", Map.of());
        String secondId = second.path("job_id").asText();
        assertThat(lines(secondId)).contains("previous count 1, nested: written by run 1")
                .anySatisfy(l -> assertThat(l).startsWith("template: state 1, first run false, global "));
        var two = latest("counter");
        assertThat(two.text("count.txt")).isEqualTo("2\n");
        // STATE: lines are deep-merged into the snapshot's values.
        assertThat(JSON.readTree(two.state())).isEqualTo(JSON.readTree(
                "{\"count\": 2, \"meta\": {\"by\": \"" + secondId + "\"}}"));

        // A run that writes state and then fails saves nothing: the last good snapshot stays current.
        var failed = finished(execute("counter", Map.of("fail", "yes")));
        assertThat(failed.path("status").asText()).isEqualTo("failed");
        assertThat(latest("counter").id()).isEqualTo(two.id());
        assertThat(latest("counter").text("count.txt")).isEqualTo("2\n");

        // A third good run: only the newest MAX_SNAPSHOTS objects are kept.
        String thirdId = completed("counter", Map.of()).path("job_id").asText();
        assertThat(lines(thirdId)).contains("previous count 2, nested: written by run 2");
        assertThat(latest("counter").text("count.txt")).isEqualTo("3\n");
        assertThat(snapshotObjects("counter")).isEqualTo(MAX_SNAPSHOTS);
    }

    @Test
    void stateValuesTooBigForAHeaderAreSavedInsideTheSnapshotAndReachTheNextRunsTemplates() throws Exception {
        String first = completed("big-state", Map.of()).path("job_id").asText();
        assertThat(lines(first)).contains("template: blob of 0 characters");
        var saved = latest("big-state");
        assertThat(saved).as("no snapshot; the job said %s", lines(first)).isNotNull();
        assertThat(saved.state()).as("20 KB of values travel inside the snapshot, not in a header").isNull();
        assertThat(JSON.readTree(saved.text("state.json")).path("blob").asText()).hasSize(20_000);

        String second = completed("big-state", Map.of()).path("job_id").asText();
        assertThat(lines(second)).contains("template: blob of 20000 characters");
    }

    @Test
    void globalStateIsSharedAcrossTasksOfTheWorkspace() throws Exception {
        String writer = completed("global-writer", Map.of()).path("job_id").asText();
        var global = latest("_global");
        assertThat(global.text("shared.txt")).isEqualTo("shared by " + writer + "\n");
        assertThat(JSON.readTree(global.state())).isEqualTo(JSON.readTree("{\"region\": \"eu\"}"));
        // The writer wrote no task state of its own.
        assertThat(latest("global-writer")).isNull();

        String reader = completed("global-reader", Map.of()).path("job_id").asText();
        assertThat(lines(reader)).contains("global: shared by " + writer, "own: 0 files",
                "template: global eu, state absent true");
        assertThat(latest("global-reader")).isNull();
    }

    @Test
    void concurrentRunsOfOneTaskEachReadAWholeSnapshotAndLeaveAWholeOne() throws Exception {
        var jobs = new ArrayList<String>();
        for (int round = 0; round < 2; round++) {
            var started = new ArrayList<String>();
            for (int i = 0; i < 4; i++) {
                started.add(execute("racer", Map.of()));
            }
            for (String job : started) {
                assertThat(finished(job).path("status").asText()).as("%s: %s", job, lines(job)).isEqualTo("completed");
            }
            jobs.addAll(started);
        }
        // The second round read snapshots the first one left, whole.
        assertThat(jobs.subList(4, 8)).allSatisfy(job -> assertThat(lines(job))
                .anySatisfy(line -> assertThat(line).startsWith("read the whole snapshot of ")));
        var last = latest("racer");
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(last.files().get("blob")));
        assertThat(last.text("blob.sha256")).isEqualTo(sha + "\n");
        assertThat(jobs).contains(last.text("writer").strip());
        assertThat(snapshotObjects("racer")).isEqualTo(MAX_SNAPSHOTS);
    }
}
