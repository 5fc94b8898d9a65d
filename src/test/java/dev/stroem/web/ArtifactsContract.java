package dev.stroem.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Artifacts on the server: the worker's streamed upload (limits checked before and while the bytes
 * arrive, bad names refused, a name replaced), its clean-up, and the public list and download
 * (types, inline only where safe, {@code nosniff}, {@code Range}). The subclass chooses the database
 * and the backend (the log archive inherited, or a dedicated {@code artifact_storage.archive}).
 */
abstract class ArtifactsContract extends ServerContract {
    static final long MAX_FILE = 1000;
    static final long MAX_JOB = 1500;

    /** {@code artifact_storage} and whatever archive it needs, as YAML sections. */
    abstract String storageYaml();

    /** The object the backend holds under {@code key} (relative to the backend's root or bucket), or null. */
    abstract byte[] object(String key);

    /** The backend's whole key prefix of artifacts (archive prefix + artifact prefix). */
    abstract String keyPrefix();

    /** A task whose success hook lists the job's artifacts (hook.artifacts). */
    static final String REPORTED_YAML = """
            actions:
              tell:
                type: script
                input:
                  files: { type: string }
                script: echo "{{ input.files }}"
            tasks:
              reported:
                flow:
                  make:
                    type: script
                    script: echo made
                on_success:
                  - action: tell
                    input:
                      files: "{% for a in hook.artifacts %}{{ a.name }}:{{ a.size_bytes }}:{{ a.step_name }} {% endfor %}"
            """;

    @Override
    TestServer.Config configure(TestServer.Config config) {
        return config.yaml(storageYaml()).workflowFile("reported.yaml", REPORTED_YAML);
    }

    String newJob() {
        return execute("hello-world", Map.of());
    }

    HttpTestClient.Answer upload(String jobId, String step, String name, String contentType, byte[] body, boolean declareLength) {
        var publisher = declareLength ? HttpRequest.BodyPublishers.ofByteArray(body)
                // No length: sent chunked, so only counting while streaming can stop it.
                : HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body));
        var request = worker.http().request("/worker/jobs/" + jobId + "/steps/" + step + "/artifacts/" + name)
                .header("Content-Type", contentType).POST(publisher).build();
        return worker.http().send(request);
    }

    static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    HttpTestClient.Answer getRange(String path, String range) {
        return api.send(api.request(path).header("Range", range).GET().build());
    }

    @Test
    void uploadedFilesAreListedAndDownloadedWithTheirTypesRangesAndSafeDispositions() {
        String jobId = newJob();
        var html = upload(jobId, "say-hello", "reports/q1.html", "text/html", text("<h1>report</h1>"), true);
        assertThat(html.status()).as("%s", html).isEqualTo(201);
        assertThat(html.json().path("name").asText()).isEqualTo("reports/q1.html");
        assertThat(html.json().path("size_bytes").asLong()).isEqualTo(15);
        assertThat(html.json().path("content_type").asText()).isEqualTo("text/html");
        assertThat(html.json().path("id").asText()).isNotBlank();
        assertThat(upload(jobId, "shout-it", "status.txt", "text/plain", text("all good, twenty six chars"), false).status())
                .isEqualTo(201);
        assertThat(upload(jobId, "shout-it", "pic.svg", "image/svg+xml", text("<svg/>"), true).status()).isEqualTo(201);
        assertThat(object(keyPrefix() + "default/" + jobId + "/say-hello/reports/q1.html")).asString(StandardCharsets.UTF_8)
                .isEqualTo("<h1>report</h1>");

        var list = api.get("/api/jobs/" + jobId + "/artifacts");
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.json().findValuesAsText("name")).containsExactly("pic.svg", "reports/q1.html", "status.txt");
        var first = list.json().get(1);
        assertThat(first.path("step_name").asText()).isEqualTo("say-hello");
        assertThat(first.path("content_type").asText()).isEqualTo("text/html");
        assertThat(first.path("size_bytes").asLong()).isEqualTo(15);
        assertThat(first.path("created_at").asText()).isNotBlank();
        assertThat(first.path("url").asText()).isEqualTo(server.url() + "/api/jobs/" + jobId + "/artifacts/reports/q1.html");

        var page = api.get("/api/jobs/" + jobId + "/artifacts/reports/q1.html");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).isEqualTo("<h1>report</h1>");
        assertThat(page.header("Content-Type")).hasValue("text/html");
        assertThat(page.header("Content-Length")).hasValue("15");
        assertThat(page.header("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(page.header("Content-Disposition").orElseThrow()).startsWith("attachment; filename=\"q1.html\"");
        assertThat(api.get("/api/jobs/" + jobId + "/artifacts/pic.svg").header("Content-Disposition").orElseThrow())
                .startsWith("attachment");
        var status = api.get("/api/jobs/" + jobId + "/artifacts/status.txt");
        assertThat(status.header("Content-Disposition").orElseThrow()).startsWith("inline; filename=\"status.txt\"");
        assertThat(status.header("Accept-Ranges")).hasValue("bytes");

        var middle = getRange("/api/jobs/" + jobId + "/artifacts/status.txt", "bytes=4-7");
        assertThat(middle.status()).isEqualTo(206);
        assertThat(middle.body()).isEqualTo("good");
        assertThat(middle.header("Content-Range")).hasValue("bytes 4-7/26");
        assertThat(middle.header("Content-Length")).hasValue("4");
        var tail = getRange("/api/jobs/" + jobId + "/artifacts/status.txt", "bytes=-5");
        assertThat(tail.status()).isEqualTo(206);
        assertThat(tail.body()).isEqualTo("chars");
        var open = getRange("/api/jobs/" + jobId + "/artifacts/status.txt", "bytes=20-");
        assertThat(open.body()).isEqualTo(" chars");
        var beyond = getRange("/api/jobs/" + jobId + "/artifacts/status.txt", "bytes=26-");
        assertError(beyond, 416, "26 bytes");
        assertThat(beyond.header("Content-Range")).hasValue("bytes */26");

        // The same name again replaces it.
        assertThat(upload(jobId, "shout-it", "status.txt", "text/plain", text("replaced"), true).status()).isEqualTo(201);
        assertThat(api.get("/api/jobs/" + jobId + "/artifacts").json()).hasSize(3);
        assertThat(api.get("/api/jobs/" + jobId + "/artifacts/status.txt").body()).isEqualTo("replaced");

        assertError(api.get("/api/jobs/" + jobId + "/artifacts/missing.txt"), 404, "missing.txt");
        assertError(api.get("/api/jobs/" + UUID.randomUUID() + "/artifacts"), 404);
        assertError(api.get("/api/jobs/not-a-uuid/artifacts"), 400);
        assertThat(api.get("/api/jobs/" + newJob() + "/artifacts").json()).isEmpty();
    }

    @Test
    void hooksSeeTheJobsArtifacts() {
        String jobId = execute("reported", Map.of());
        String workerId = worker.register("artifact-worker");
        worker.claimAndStart(workerId, jobId, "make");
        assertThat(upload(jobId, "make", "out/report.txt", "text/plain", text("12345"), true).status()).isEqualTo(201);
        assertThat(worker.complete(jobId, "make", 0, null).status()).isEqualTo(200);
        eventually().until(() -> api.get("/api/jobs?source_type=hook").json().path("total").asLong() == 1);
        String hookJob = api.get("/api/jobs?source_type=hook").json().path("items").get(0).path("job_id").asText();
        assertThat(job(hookJob).path("input").path("files").asText()).isEqualTo("out/report.txt:5:make ");
    }

    @Test
    void limitsAreCheckedBeforeAndWhileStreamingAndNothingIsKept() {
        String jobId = newJob();
        byte[] tooBig = new byte[(int) MAX_FILE + 1];
        assertError(upload(jobId, "say-hello", "big.bin", "application/octet-stream", tooBig, true), 413, "max_file_bytes");
        assertError(upload(jobId, "say-hello", "big.bin", "application/octet-stream", tooBig, false), 413, "max_file_bytes");
        assertThat(api.get("/api/jobs/" + jobId + "/artifacts").json()).isEmpty();
        assertThat(object(keyPrefix() + "default/" + jobId + "/say-hello/big.bin")).isNull();

        assertThat(upload(jobId, "say-hello", "a.bin", "application/octet-stream", new byte[900], true).status()).isEqualTo(201);
        assertError(upload(jobId, "say-hello", "b.bin", "application/octet-stream", new byte[900], false), 413, "max_job_bytes");
        assertError(upload(jobId, "say-hello", "b.bin", "application/octet-stream", new byte[900], true), 413, "max_job_bytes");
        // Replacing a.bin counts its new size instead of its old one.
        assertThat(upload(jobId, "say-hello", "a.bin", "application/octet-stream", new byte[(int) MAX_FILE], true).status())
                .isEqualTo(201);
        assertThat(api.get("/api/jobs/" + jobId + "/artifacts").json().findValuesAsText("name")).containsExactly("a.bin");
        assertThat(object(keyPrefix() + "default/" + jobId + "/say-hello/b.bin")).isNull();
    }

    @Test
    void badNamesUnknownJobsAndTheWorkerTokenAreChecked() {
        String jobId = newJob();
        assertError(upload(jobId, "say-hello", "bad%01name.txt", "text/plain", text("x"), true), 400, "control");
        // An encoded ".." is refused by Jetty itself, before any handler (the name rules: ArtifactNamesTest).
        assertThat(upload(jobId, "say-hello", "%2E%2E/escape.txt", "text/plain", text("x"), true).status()).isEqualTo(400);
        assertError(upload(UUID.randomUUID().toString(), "say-hello", "x.txt", "text/plain", text("x"), true), 404);
        assertError(upload("not-a-uuid", "say-hello", "x.txt", "text/plain", text("x"), true), 400);
        assertThat(api.get("/api/jobs/" + jobId + "/artifacts").json()).isEmpty();
        // A sniffed type that is not a media type is stored as bytes.
        var odd = upload(jobId, "say-hello", "odd", "not a type", text("x"), true);
        assertThat(odd.json().path("content_type").asText()).isEqualTo("application/octet-stream");
        var noToken = api.send(api.request("/worker/jobs/" + jobId + "/steps/say-hello/artifacts/x.txt")
                .POST(HttpRequest.BodyPublishers.ofString("x")).build());
        assertThat(noToken.status()).isEqualTo(401);
    }

    @Test
    void aStepsArtifactsAreDeletedWhenTheWorkerClearsThem() {
        String jobId = newJob();
        upload(jobId, "say-hello", "one.txt", "text/plain", text("1"), true);
        upload(jobId, "say-hello", "nested/two.txt", "text/plain", text("2"), true);
        upload(jobId, "shout-it", "three.txt", "text/plain", text("3"), true);
        var cleared = worker.http().send(worker.http().request("/worker/jobs/" + jobId + "/steps/say-hello/artifacts")
                .DELETE().build());
        assertThat(cleared.status()).isEqualTo(204);
        assertThat(api.get("/api/jobs/" + jobId + "/artifacts").json().findValuesAsText("name")).containsExactly("three.txt");
        assertThat(object(keyPrefix() + "default/" + jobId + "/say-hello/nested/two.txt")).isNull();
        assertThat(object(keyPrefix() + "default/" + jobId + "/shout-it/three.txt")).isNotNull();
        assertThat(worker.http().send(worker.http().request("/worker/jobs/" + UUID.randomUUID() + "/steps/x/artifacts")
                .DELETE().build()).status()).isEqualTo(404);
    }
}
