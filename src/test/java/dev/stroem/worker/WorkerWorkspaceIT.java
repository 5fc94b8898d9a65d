package dev.stroem.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stroem.config.WorkerConfig;
import dev.stroem.worker.WorkerApiTestServer.WorkspaceRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real worker (real processes) downloading workspaces from the worker API's
 * {@code GET /worker/workspace/{ws}.tar.gz}: caching per revision, 304s, pinned revisions, the
 * bound, unsafe archives, and {@code source:} files of the checkout.
 */
class WorkerWorkspaceIT {

    private static final WorkerOptions OPTIONS = new WorkerOptions(Duration.ofSeconds(30), Duration.ofSeconds(5),
            Duration.ofSeconds(1), Duration.ofMillis(200), Duration.ofSeconds(5), Duration.ofMillis(50),
            Duration.ofMillis(500), new ShipperSettings(100, 256 * 1024, Duration.ofMillis(200), 4L * 1024 * 1024,
                    Duration.ofMillis(50), Duration.ofMillis(500)));

    @TempDir
    Path dir;

    private WorkerApiTestServer server;
    private final List<Worker> workers = new ArrayList<>();

    @BeforeEach
    void startServer() {
        server = new WorkerApiTestServer().start();
    }

    @AfterEach
    void stopAll() throws InterruptedException {
        for (Worker worker : workers) {
            worker.shutdown();
        }
        server.stop();
    }

    private static ConditionFactory eventually() {
        return Awaitility.await().atMost(Duration.ofSeconds(30));
    }

    private Path cache() {
        return dir.resolve("cache");
    }

    private Worker worker(int retained) throws IOException {
        return worker(retained, false);
    }

    private Worker worker(int retained, boolean exclusive) throws IOException {
        var config = new WorkerConfig(server.url(), WorkerApiTestServer.TOKEN, "ws-worker", 1, 1L, 1L,
                List.of("script"), List.of("gpu"), dir.resolve("work").toString(), dir.resolve("spool").toString(), 30L,
                WorkerConfig.DEFAULT_CLAIM_WAIT_SECS, cache().toString(), retained, exclusive, null, null, null, null,
                null, null, null);
        var worker = new Worker(config, new WorkerApiClient(server.url(), WorkerApiTestServer.TOKEN,
                OPTIONS.requestTimeout()), OPTIONS);
        workers.add(worker);
        worker.start();
        return worker;
    }

    private WorkerApiTestServer.Completion run(String stepName, String script, String revision) {
        String jobId = server.offerStep(stepName, Map.of("script", script), revision);
        eventually().until(() -> server.completion(jobId) != null);
        return server.completion(jobId);
    }

    private List<String> cachedRevisions() throws IOException {
        try (Stream<Path> revisions = Files.list(cache().resolve("default"))) {
            return revisions.filter(Files::isDirectory).map(p -> p.getFileName().toString())
                    .filter(n -> !n.startsWith(".")).sorted().toList();
        }
    }

    private static byte[] workspace(String marker) {
        return TarGz.files(Map.of("data/marker.txt", marker + "\n")).bytes();
    }

    @Test
    void aStepRunsInItsWorkspacesFilesAndTheNextStepGetsA304() throws Exception {
        server.publishWorkspace("default", "rev1", workspace("first"));
        worker(2);

        var first = run("read", "cat data/marker.txt; echo changed > data/marker.txt; echo \"ws=$WORKSPACE_DIR\"", null);
        var second = run("again", "cat data/marker.txt", null);

        assertThat(first.body().path("exit_code").asInt()).isZero();
        assertThat(server.lines(first.jobId(), "read")).first().isEqualTo("first");
        // What a step changes stays in its own checkout.
        assertThat(server.lines(second.jobId(), "again")).containsExactly("first");
        assertThat(server.workspaceRequests()).containsExactly(
                new WorkspaceRequest("default", null, null, 200),
                new WorkspaceRequest("default", null, "\"rev1\"", 304));
        assertThat(cachedRevisions()).containsExactly("rev1");
        String checkout = server.lines(first.jobId(), "read").get(1).substring("ws=".length());
        assertThat(Path.of(checkout)).doesNotExist();
    }

    @Test
    void aNewRevisionIsDownloadedAndAPinnedOneIsUsedFromTheCacheWithoutAsking() throws Exception {
        server.publishWorkspace("default", "rev1", workspace("first"));
        worker(2);
        run("one", "cat data/marker.txt", null);
        server.publishWorkspace("default", "rev2", workspace("second"));

        var current = run("two", "cat data/marker.txt", null);
        var pinned = run("pinned", "cat data/marker.txt", "rev1");

        assertThat(server.lines(current.jobId(), "two")).containsExactly("second");
        assertThat(server.lines(pinned.jobId(), "pinned")).containsExactly("first");
        assertThat(server.workspaceRequests()).containsExactly(
                new WorkspaceRequest("default", null, null, 200),
                new WorkspaceRequest("default", null, "\"rev1\"", 200));
        assertThat(cachedRevisions()).containsExactly("rev1", "rev2");
    }

    @Test
    void aPinnedRevisionNotInTheCacheIsDownloadedByName_andOneTheServerLacksFailsTheStep() throws Exception {
        server.publishWorkspace("default", "old", workspace("old files"));
        server.publishWorkspace("default", "new", workspace("new files"));
        worker(2);

        var pinned = run("pinned", "cat data/marker.txt", "old");
        var missing = run("missing", "echo never", "gone");

        assertThat(server.lines(pinned.jobId(), "pinned")).containsExactly("old files");
        assertThat(missing.body().path("error").asText())
                .isEqualTo("Cannot get workspace 'default' at revision gone: the server has no revision gone of workspace 'default'");
        assertThat(server.lines(missing.jobId(), "missing")).isEmpty();
        assertThat(server.workspaceRequests()).containsExactly(
                new WorkspaceRequest("default", "old", null, 200),
                new WorkspaceRequest("default", "gone", null, 404));
    }

    @Test
    void theCacheKeepsTheNewestAndTheRetainedRevisions_andIsCleanedAtStart() throws Exception {
        worker(1);
        for (int i = 1; i <= 4; i++) {
            server.publishWorkspace("default", "rev" + i, workspace("r" + i));
            var step = run("s" + i, "cat data/marker.txt", null);
            assertThat(server.lines(step.jobId(), "s" + i)).containsExactly("r" + i);
        }
        assertThat(cachedRevisions()).containsExactly("rev3", "rev4");
        workers.remove(0).shutdown();

        // An interrupted download and more revisions than a worker with retained: 0 keeps.
        Files.createDirectories(cache().resolve("default/.tmp-123/data"));
        worker(0);
        assertThat(cachedRevisions()).containsExactly("rev4");
        assertThat(cache().resolve("default/.tmp-123")).doesNotExist();
        var again = run("after-restart", "cat data/marker.txt", null);
        assertThat(server.lines(again.jobId(), "after-restart")).containsExactly("r4");
        assertThat(server.workspaceRequests()).last().isEqualTo(new WorkspaceRequest("default", null, "\"rev4\"", 304));
    }

    @Test
    void anArchiveThatReachesOutsideFailsTheStepAndWritesNothingOutside() throws Exception {
        server.publishWorkspace("default", "evil", new TarGz().file("data/ok.txt", "ok").file("../../evil", "x").bytes());
        worker(2);

        var step = run("victim", "echo never", null);

        assertThat(step.body().path("error").asText())
                .isEqualTo("Cannot get workspace 'default': workspace archive entry '../../evil' leaves the workspace");
        assertThat(dir.resolve("evil")).doesNotExist();
        assertThat(cache().resolve("evil")).doesNotExist();
        assertThat(cachedRevisions()).isEmpty();
    }

    @Test
    void withoutWorkspaceDownloads_aStepRunsInAnEmptyCheckout() throws Exception {
        worker(2);

        var step = run("plain", "ls -A | wc -l; pwd", null);

        assertThat(step.body().path("exit_code").asInt()).isZero();
        assertThat(server.lines(step.jobId(), "plain").get(0).strip()).isEqualTo("0");
        assertThat(server.workspaceRequests()).containsExactly(new WorkspaceRequest("default", null, null, 404));
    }

    @Test
    void aSourceScriptAndAPythonHealthCheckRunFromTheCheckout() throws Exception {
        server.publishWorkspace("default", "r1", new TarGz()
                .executable("actions/deploy.sh", "echo \"deploying $1\"; cat config/target.txt\n")
                .file("config/target.txt", "prod-cluster\n")
                .file("checks/health.py", "import sys\nprint('healthy' if open('config/target.txt').read().strip() "
                        + "== sys.argv[1] else 'sick')\n")
                .bytes());
        worker(2);

        String deploy = server.offerStep("deploy", Map.of("source", "actions/deploy.sh", "args", List.of("v1.2")), null);
        String health = server.offerStep("health", Map.of("source", "checks/health.py", "language", "python",
                "args", List.of("prod-cluster")), null);
        String escape = server.offerStep("escape", Map.of("source", "../../../etc/passwd"), null);
        eventually().until(() -> Stream.of(deploy, health, escape).allMatch(j -> server.completion(j) != null));

        assertThat(server.lines(deploy, "deploy")).containsExactly("deploying v1.2", "prod-cluster");
        assertThat(server.lines(health, "health")).containsExactly("healthy");
        assertThat(server.completion(escape).body().path("error").asText())
                .isEqualTo("Cannot start the step: source '../../../etc/passwd' leads outside the workspace");
    }

    @Test
    void exclusiveIsSentOnRegisterAndClaimOnlyWhenSet() throws Exception {
        worker(2, true);
        eventually().until(() -> !server.claimBodies().isEmpty());
        workers.remove(0).shutdown();
        worker(2, false);
        eventually().until(() -> server.registerBodies().size() == 2);
        eventually().until(() -> server.claimBodies().stream().anyMatch(c -> !c.has("exclusive")));

        var registers = server.registerBodies();
        assertThat(registers.get(0).path("exclusive").asBoolean()).isTrue();
        assertThat(registers.get(0).path("tags").toString()).isEqualTo("[\"gpu\"]");
        assertThat(registers.get(1).has("exclusive")).isFalse();
        assertThat(server.claimBodies().get(0).path("exclusive").asBoolean()).isTrue();
    }
}
