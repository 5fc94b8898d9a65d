package dev.stroem.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stroem.workflow.WorkspaceArchive;
import dev.stroem.workflow.WorkspaceFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /worker/workspace/{ws}.tar.gz} as the original's worker uses it, and jobs pinned to
 * the revision they were created at while the workspace changes under them.
 */
abstract class WorkspaceDeliveryContract extends ServerContract {

    private static final String PINNED_V1 = """
            tasks:
              pinned:
                flow:
                  only:
                    type: script
                    script: echo version-one
            """;

    @Override
    TestServer.Config configure(TestServer.Config config) {
        return config.workflowFile("pinned.yaml", PINNED_V1);
    }

    private record Download(int status, HttpResponse<byte[]> response) {
        String header(String name) {
            return response.headers().firstValue(name).orElse(null);
        }

        WorkspaceFiles files() {
            try {
                return WorkspaceArchive.read(response.body());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        String file(String path) {
            return new String(files().file(path).orElseThrow(() -> new AssertionError("no " + path)).content(),
                    StandardCharsets.UTF_8);
        }
    }

    private Download download(String path, String ifNoneMatch) {
        HttpRequest.Builder request = worker.http().request(path).GET();
        if (ifNoneMatch != null) {
            request.header("If-None-Match", ifNoneMatch);
        }
        try {
            var response = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Download(response.statusCode(), response);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private String currentRevision() {
        for (var ws : api.get("/api/workspaces").json()) {
            if (ws.path("name").asText().equals("default")) {
                return ws.path("revision").asText();
            }
        }
        throw new AssertionError("no workspace default");
    }

    @Test
    void deliversTheWorkspaceThenAnswersNotModifiedForItsRevision() throws Exception {
        Files.writeString(server.workspaceDir("default").resolve("data.txt"), "marker\n");
        api.post("/api/workspaces/default/refresh", Map.of());
        String revision = currentRevision();
        assertThat(revision).matches("[0-9a-f]{16}");

        var first = download("/worker/workspace/default.tar.gz", null);
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.header("Content-Type")).isEqualTo("application/gzip");
        assertThat(first.header("X-Revision")).isEqualTo(revision);
        assertThat(first.header("ETag")).isEqualTo("\"" + revision + "\"");
        assertThat(first.file("data.txt")).isEqualTo("marker\n");
        assertThat(first.file(".workflows/pinned.yaml")).isEqualTo(PINNED_V1);
        assertThat(first.files().revision()).isEqualTo(revision);

        var again = download("/worker/workspace/default.tar.gz", "\"" + revision + "\"");
        assertThat(again.status()).isEqualTo(304);
        assertThat(again.header("X-Revision")).isEqualTo(revision);
        assertThat(again.response().body()).isEmpty();

        var explicit = download("/worker/workspace/default.tar.gz?revision=" + revision, null);
        assertThat(explicit.status()).isEqualTo(200);
        assertThat(explicit.response().body()).isEqualTo(first.response().body());

        // The original's worker sends no token-less requests, but a wrong one is refused.
        var anonymous = api.get("/worker/workspace/default.tar.gz");
        assertThat(anonymous.status()).isEqualTo(401);
    }

    @Test
    void unknownWorkspaceOrRevisionIsNotFound() {
        assertError(worker.http().get("/worker/workspace/nowhere.tar.gz"), 404, "nowhere");
        assertError(worker.http().get("/worker/workspace/default.tar.gz?revision=0123456789abcdef"), 404,
                "0123456789abcdef");
        assertError(worker.http().get("/worker/workspace/default.zip"), 404);
    }

    @Test
    void aJobRunsOnTheRevisionItWasCreatedAtWhileTheWorkspaceChanges() throws Exception {
        String before = currentRevision();
        String jobId = execute("pinned", Map.of());
        assertThat(job(jobId).path("revision").asText()).isEqualTo(before);

        Files.writeString(server.workspaceDir("default").resolve(".workflows/pinned.yaml"),
                PINNED_V1.replace("version-one", "version-two"));
        Files.writeString(server.workspaceDir("default").resolve("data.txt"), "changed\n");
        var refreshed = api.post("/api/workspaces/default/refresh", Map.of());
        String after = refreshed.json().path("revision").asText();
        assertThat(after).isNotEqualTo(before).isEqualTo(currentRevision());

        String workerId = worker.register("pinning-worker");
        var claim = worker.claim(workerId);
        assertThat(claim.path("job_id").asText()).isEqualTo(jobId);
        assertThat(claim.path("workspace").asText()).isEqualTo("default");
        assertThat(claim.path("revision").asText()).isEqualTo(before);
        assertThat(claim.path("action_spec").path("script").asText()).contains("version-one");

        var old = download("/worker/workspace/default.tar.gz?revision=" + before, null);
        assertThat(old.status()).isEqualTo(200);
        assertThat(old.header("X-Revision")).isEqualTo(before);
        assertThat(old.file(".workflows/pinned.yaml")).contains("version-one");
        assertThat(old.files().file("data.txt")).isEmpty();

        var now = download("/worker/workspace/default.tar.gz", "\"" + before + "\"");
        assertThat(now.status()).isEqualTo(200);
        assertThat(now.header("X-Revision")).isEqualTo(after);
        assertThat(now.file("data.txt")).isEqualTo("changed\n");

        String newJob = execute("pinned", Map.of());
        var second = worker.claim(workerId);
        assertThat(second.path("job_id").asText()).isEqualTo(newJob);
        assertThat(second.path("revision").asText()).isEqualTo(after);
        assertThat(second.path("action_spec").path("script").asText()).contains("version-two");
    }

    @Test
    void aSourceStepIsHandedOutWithItsFileLanguageAndArgumentsAndDuplicatesAreWarnings() throws Exception {
        Path root = server.workspaceDir("default");
        Files.createDirectories(root.resolve("scripts"));
        Files.writeString(root.resolve("scripts/check.py"), "import sys\nprint(sys.argv[1:])\n");
        Files.writeString(root.resolve(".workflows/python.yaml"), """
                actions:
                  check:
                    type: script
                    language: python
                    interpreter: python3
                    source: scripts/check.py
                    args: ["{{ input.target }}"]
                    input:
                      target: { type: string, default: prod }
                  noop:
                    type: script
                    script: echo later-noop
                tasks:
                  check-it:
                    flow:
                      check: { action: check }
                """);
        api.post("/api/workspaces/default/refresh", Map.of());
        JsonNode view = null;
        for (var ws : api.get("/api/workspaces").json()) {
            if (ws.path("name").asText().equals("default")) {
                view = ws;
            }
        }
        assertThat(view.path("error").isNull()).as("%s", view).isTrue();
        assertThat(view.path("warnings").toString()).contains("action 'noop' is defined in .workflows/main.yaml and again"
                + " in .workflows/python.yaml");

        String jobId = execute("check-it", Map.of());
        var claim = worker.claim(worker.register("python-worker"));
        assertThat(claim.path("job_id").asText()).isEqualTo(jobId);
        JsonNode spec = claim.path("action_spec");
        assertThat(spec.path("script").isNull()).as("%s", spec).isTrue();
        assertThat(spec.path("source").asText()).isEqualTo("scripts/check.py");
        assertThat(spec.path("language").asText()).isEqualTo("python");
        assertThat(spec.path("interpreter").asText()).isEqualTo("python3");
        assertThat(spec.path("args").toString()).isEqualTo("[\"prod\"]");
        var files = download("/worker/workspace/default.tar.gz?revision=" + claim.path("revision").asText(), null);
        assertThat(files.file("scripts/check.py")).startsWith("import sys");
    }

    @Test
    void aCrossWorkspaceStepRunsWithItsOwnersFilesAndRevision() throws Exception {
        Path owner = server.workspaceDir("broken");
        Files.createDirectories(owner.resolve("data"));
        Files.writeString(owner.resolve("data/marker.txt"), "owned by broken\n");
        Files.writeString(owner.resolve(".workflows/remote.yaml"), """
                secrets:
                  TOKEN: owner-token-value
                actions:
                  remote-cat:
                    type: script
                    script: cat data/marker.txt && echo "{{ input.who }}"
                    env:
                      TOKEN: "{{ secret.TOKEN }}"
                    input:
                      who: { type: string, default: nobody }
                """);
        Files.writeString(server.workspaceDir("default").resolve(".workflows/cross.yaml"), """
                secrets:
                  TOKEN: caller-token-value
                tasks:
                  cross:
                    input:
                      name: { type: string, default: caller }
                    flow:
                      read:
                        action: broken.remote-cat
                        input:
                          who: "{{ input.name }}"
                  dangling:
                    flow:
                      read: { action: broken.no-such-action }
                """);
        api.post("/api/workspaces/default/refresh", Map.of());
        String ownerRevision = null;
        JsonNode callerView = null;
        for (var ws : api.get("/api/workspaces").json()) {
            if (ws.path("name").asText().equals("broken")) {
                ownerRevision = ws.path("revision").asText();
            } else if (ws.path("name").asText().equals("default")) {
                callerView = ws;
            }
        }
        assertThat(callerView.path("warnings").toString())
                .contains("dangling/read: step references action 'broken.no-such-action', but workspace 'broken' has no "
                        + "action 'no-such-action'");

        String jobId = execute("cross", Map.of("name", "alice"));
        // The owner changes while the job waits: the step keeps the owner's revision of job creation.
        Files.writeString(owner.resolve("data/marker.txt"), "changed later\n");
        api.post("/api/workspaces/broken/refresh", Map.of());
        var claim = worker.claim(worker.register("cross-worker"));

        assertThat(claim.path("job_id").asText()).isEqualTo(jobId);
        assertThat(claim.path("action_name").asText()).isEqualTo("broken.remote-cat");
        assertThat(claim.path("workspace").asText()).isEqualTo("broken");
        assertThat(claim.path("revision").asText()).isEqualTo(ownerRevision);
        assertThat(claim.path("action_spec").path("script").asText()).isEqualTo("cat data/marker.txt && echo \"alice\"");
        // The action's body renders with its owner's secrets, not the caller's.
        assertThat(claim.path("action_spec").path("env").path("TOKEN").asText()).isEqualTo("owner-token-value");
        var files = download("/worker/workspace/broken.tar.gz?revision=" + ownerRevision, null);
        assertThat(files.file("data/marker.txt")).isEqualTo("owned by broken\n");
        assertThat(job(jobId).path("workspace").asText()).isEqualTo("default");

        assertError(api.post("/api/workspaces/default/tasks/dangling/execute", Map.of("input", Map.of())), 400,
                "broken.no-such-action", "no action 'no-such-action'");
    }
}
