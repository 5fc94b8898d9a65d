package dev.stroem.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.Test;

/**
 * Task and global state on the server: workers write snapshots and read the latest (never a half
 * one, also under concurrent writers), {@code max_snapshots} pruning, and operators' uploads in
 * replace and merge mode with the {@code upload} audit job. The subclass chooses the database.
 */
abstract class StateContract extends ServerContract {
    static final ObjectMapper JSON = new ObjectMapper();
    static final int MAX_SNAPSHOTS = 2;
    static final String TASK_STATE = "/worker/state/default/tasks/hello-world";

    @Override
    TestServer.Config configure(TestServer.Config config) {
        return config.localArchive(dir.resolve("archive")).yaml("state_storage:\n  max_snapshots: " + MAX_SNAPSHOTS + "\n");
    }

    static byte[] tarGz(Map<String, String> files) {
        try {
            var bytes = new ByteArrayOutputStream();
            try (var tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(bytes))) {
                for (var f : files.entrySet()) {
                    byte[] content = f.getValue().getBytes(StandardCharsets.UTF_8);
                    var entry = new TarArchiveEntry(f.getKey());
                    entry.setSize(content.length);
                    tar.putArchiveEntry(entry);
                    tar.write(content);
                    tar.closeArchiveEntry();
                }
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, String> untar(byte[] tarGz) {
        var files = new LinkedHashMap<String, String>();
        try (var tar = new TarArchiveInputStream(new GzipCompressorInputStream(new ByteArrayInputStream(tarGz)))) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                files.put(e.getName(), new String(tar.readAllBytes(), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    HttpTestClient.Answer post(HttpTestClient client, String path, byte[] body, String state) {
        var request = client.request(path).header("Content-Type", "application/gzip")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (state != null) {
            request.header("X-Stroem-State", state);
        }
        return client.send(request.build());
    }

    HttpResponse<byte[]> latest(String path) {
        try {
            var http = java.net.http.HttpClient.newHttpClient();
            return http.send(worker.http().request(path).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    long snapshotObjects(String scope) throws IOException {
        Path folder = dir.resolve("archive").resolve("state/default").resolve(scope);
        if (!Files.isDirectory(folder)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".tar.gz")).count();
        }
    }

    @Test
    void aWorkersSnapshotIsReadBackWholeAndOnlyTheNewestAreKept() throws Exception {
        assertThat(latest(TASK_STATE).statusCode()).isEqualTo(204);
        byte[] first = tarGz(Map.of("cursor.txt", "1"));
        var written = post(worker.http(), TASK_STATE, first, "{\"cursor\": 1}");
        assertThat(written.status()).as("%s", written).isEqualTo(201);
        assertThat(written.json().path("size_bytes").asLong()).isEqualTo(first.length);
        var read = latest(TASK_STATE);
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(read.body()).isEqualTo(first);
        assertThat(read.headers().firstValue("X-Stroem-State")).hasValue("{\"cursor\":1}");
        assertThat(read.headers().firstValue("Content-Length")).hasValue(Integer.toString(first.length));

        for (int i = 2; i <= 4; i++) {
            assertThat(post(worker.http(), TASK_STATE, tarGz(Map.of("cursor.txt", "" + i)), null).status()).isEqualTo(201);
        }
        assertThat(untar(latest(TASK_STATE).body())).containsEntry("cursor.txt", "4");
        assertThat(snapshotObjects("hello-world")).isEqualTo(MAX_SNAPSHOTS);
        // Global state is its own scope.
        assertThat(latest("/worker/state/default/global").statusCode()).isEqualTo(204);
        assertThat(post(worker.http(), "/worker/state/default/global", tarGz(Map.of("g.txt", "g")), null).status()).isEqualTo(201);
        assertThat(untar(latest("/worker/state/default/global").body())).containsOnlyKeys("g.txt");

        assertError(post(worker.http(), TASK_STATE, "not a tarball".getBytes(StandardCharsets.UTF_8), null), 400, "gzip");
        assertError(post(worker.http(), TASK_STATE, tarGz(Map.of()), "[1]"), 400, "JSON object");
        assertError(post(worker.http(), "/worker/state/default/tasks/no-such-task", tarGz(Map.of()), null), 404);
        assertError(post(worker.http(), "/worker/state/nope/global", tarGz(Map.of()), null), 404);
        assertThat(untar(latest(TASK_STATE).body())).containsEntry("cursor.txt", "4");
        assertThat(snapshotObjects("hello-world")).isEqualTo(MAX_SNAPSHOTS);
    }

    @Test
    void aClaimNamesTheLatestSnapshotsSoAWorkerAsksOnlyForStateThatExists() throws Exception {
        String workerId = worker.register("state-claims");
        String before = execute("hello-world", Map.of());
        var claimed = worker.claim(workerId);
        assertThat(claimed.path("job_id").asText()).isEqualTo(before);
        assertThat(claimed.path("state").isObject()).as("%s", claimed).isTrue();
        assertThat(claimed.path("state").path("task").isNull()).as("%s", claimed).isTrue();
        assertThat(claimed.path("state").path("global").isNull()).as("%s", claimed).isTrue();

        String snapshotId = java.util.UUID.randomUUID().toString();
        assertThat(postWithId(snapshotId, tarGz(Map.of("cursor.txt", "1"))).status()).isIn(200, 201);
        // The job postWithId made is ready now as well; each claim names the snapshot that exists.
        var after = worker.claim(workerId);
        assertThat(after.path("state").path("task").asText()).as("%s", after).isEqualTo(snapshotId);
        assertThat(after.path("state").path("global").isNull()).as("%s", after).isTrue();
    }

    HttpTestClient.Answer postWithId(String snapshotId, byte[] body) {
        return worker.http().send(worker.http().request(TASK_STATE + "?job_id=" + execute("hello-world", Map.of()))
                .header("Content-Type", "application/gzip").header("X-Stroem-Snapshot-Id", snapshotId)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    @Test
    void aRetriedWriteUnderTheSameSnapshotIdStoresOneSnapshot() throws Exception {
        String id = java.util.UUID.randomUUID().toString();
        byte[] body = tarGz(Map.of("cursor.txt", "7"));
        var first = postWithId(id, body);
        assertThat(first.status()).as("%s", first).isEqualTo(201);
        assertThat(first.json().path("snapshot_id").asText()).isEqualTo(id);
        // The answer was lost, say: the worker sends the same snapshot again.
        var retry = postWithId(id, body);
        assertThat(retry.status()).as("%s", retry).isEqualTo(200);
        for (String field : new String[] {"snapshot_id", "size_bytes", "sha256"}) {
            assertThat(retry.json().path(field)).isEqualTo(first.json().path(field));
        }
        assertThat(snapshotObjects("hello-world")).isEqualTo(1);
        assertThat(latest(TASK_STATE).headers().firstValue("X-Stroem-Snapshot-Id")).hasValue(id);

        assertError(postWithId("not-a-uuid", body), 400, "snapshot id");
        assertThat(snapshotObjects("hello-world")).isEqualTo(1);
    }

    @Test
    void concurrentWritersNeverLeaveAHalfSnapshot() throws Exception {
        var pool = Executors.newFixedThreadPool(4);
        try {
            var writes = new ArrayList<Callable<Integer>>();
            var written = new ArrayList<byte[]>();
            for (int i = 0; i < 8; i++) {
                byte[] body = tarGz(Map.of("run.txt", "run " + i + " " + "x".repeat(50_000)));
                written.add(body);
                writes.add(() -> post(worker.http(), TASK_STATE, body, "{\"run\": 1}").status());
            }
            var readers = new ArrayList<Callable<Integer>>();
            for (int i = 0; i < 8; i++) {
                readers.add(() -> {
                    var r = latest(TASK_STATE);
                    if (r.statusCode() == 200) {
                        untar(r.body()); // a whole tarball, or this throws
                    }
                    return r.statusCode();
                });
            }
            var all = new ArrayList<Callable<Integer>>(writes);
            all.addAll(readers);
            for (var f : pool.invokeAll(all)) {
                assertThat(f.get()).isIn(200, 201, 204);
            }
            byte[] last = latest(TASK_STATE).body();
            assertThat(written).anySatisfy(w -> assertThat(w).isEqualTo(last));
            assertThat(snapshotObjects("hello-world")).isEqualTo(MAX_SNAPSHOTS);
        } finally {
            pool.shutdownNow();
        }
    }

    HttpTestClient.Answer postWithStateInside(byte[] body, String alsoHeader) {
        var request = worker.http().request(TASK_STATE).header("Content-Type", "application/gzip")
                .header("X-Stroem-State-In-Archive", "true").POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (alsoHeader != null) {
            request.header("X-Stroem-State", alsoHeader);
        }
        return worker.http().send(request.build());
    }

    @Test
    void stateTooBigForAHeaderIsTheSnapshotsFirstEntry_storedAsSentAndReadAsValues() throws Exception {
        String certs = "-----BEGIN CERTIFICATE-----".repeat(1_000); // 27 KB: far beyond what a header carries
        var files = new LinkedHashMap<String, String>();
        files.put("state.json", "{\"certs\":\"" + certs + "\"}");
        files.put("fullchain.pem", "CERT");
        byte[] body = tarGz(files);

        var written = postWithStateInside(body, null);
        assertThat(written.status()).as("%s", written).isEqualTo(201);
        var read = latest(TASK_STATE);
        assertThat(read.body()).isEqualTo(body);
        assertThat(read.headers().firstValue("X-Stroem-State")).isEmpty();
        assertThat(read.headers().firstValue("X-Stroem-State-In-Archive")).hasValue("true");
        // The server took the values: an operator's merge keeps them beside its own.
        assertThat(post(api, "/api/workspaces/default/tasks/hello-world/state?mode=merge&renewed=yes", new byte[0], null)
                .status()).isEqualTo(201);
        var merged = JSON.readTree(untar(latest(TASK_STATE).body()).get("state.json"));
        assertThat(merged.path("certs").asText()).isEqualTo(certs);
        assertThat(merged.path("renewed").asText()).isEqualTo("yes");

        // Refused, and nothing changes: no leading state.json, both ways at once, values over 1 MiB.
        byte[] latestBefore = latest(TASK_STATE).body();
        var wrongOrder = new LinkedHashMap<String, String>();
        wrongOrder.put("fullchain.pem", "CERT");
        wrongOrder.put("state.json", "{}");
        assertError(postWithStateInside(tarGz(wrongOrder), null), 400, "first entry");
        assertError(postWithStateInside(tarGz(Map.of("state.json", "{}")), "{}"), 400, "not both");
        assertError(postWithStateInside(tarGz(Map.of("state.json", "{\"x\":\"" + "y".repeat(1 << 20) + "\"}")), null),
                413, "state.json");
        assertError(postWithStateInside(tarGz(Map.of("state.json", "[1]")), null), 400, "JSON object");
        assertThat(latest(TASK_STATE).body()).isEqualTo(latestBefore);
    }

    @Test
    void operatorsUploadInReplaceAndMergeModeAndEachUploadIsAnAuditJob() throws Exception {
        var replaced = post(api, "/api/workspaces/default/tasks/hello-world/state?domain=example.com&expiry=2026-07-21",
                tarGz(Map.of("fullchain.pem", "CERT", "keys/privkey.pem", "KEY")), null);
        assertThat(replaced.status()).as("%s", replaced).isEqualTo(201);
        String jobId = replaced.json().path("job_id").asText();
        var files = untar(latest(TASK_STATE).body());
        assertThat(files).containsEntry("fullchain.pem", "CERT").containsEntry("keys/privkey.pem", "KEY");
        assertThat(JSON.readTree(files.get("state.json"))).isEqualTo(JSON.readTree("{\"domain\":\"example.com\","
                + "\"expiry\":\"2026-07-21\"}"));
        assertThat(latest(TASK_STATE).headers().firstValue("X-Stroem-State").orElseThrow()).contains("example.com");

        // Merge: only the expiry changes; the files and the other values stay.
        var merged = post(api, "/api/workspaces/default/tasks/hello-world/state?mode=merge&expiry=2027-07-21", new byte[0], null);
        assertThat(merged.status()).as("%s", merged).isEqualTo(201);
        files = untar(latest(TASK_STATE).body());
        assertThat(files).containsEntry("fullchain.pem", "CERT").containsEntry("keys/privkey.pem", "KEY");
        assertThat(JSON.readTree(files.get("state.json"))).isEqualTo(JSON.readTree("{\"domain\":\"example.com\","
                + "\"expiry\":\"2027-07-21\"}"));

        // A root state.json in the tarball is refused, and nothing changes.
        assertError(post(api, "/api/workspaces/default/tasks/hello-world/state",
                tarGz(Map.of("state.json", "{}")), null), 400, "state.json");
        assertError(post(api, "/api/workspaces/default/tasks/hello-world/state?mode=sideways", new byte[0], null), 400, "mode");
        assertError(post(api, "/api/workspaces/default/tasks/no-such-task/state", new byte[0], null), 404);
        assertThat(untar(latest(TASK_STATE).body())).containsKey("fullchain.pem");

        // Replace with nothing: only an empty state.
        assertThat(post(api, "/api/workspaces/default/tasks/hello-world/state", new byte[0], null).status()).isEqualTo(201);
        assertThat(untar(latest(TASK_STATE).body())).containsOnlyKeys("state.json").containsEntry("state.json", "{}");

        var global = post(api, "/api/workspaces/default/state?region=eu", new byte[0], null);
        assertThat(global.status()).as("%s", global).isEqualTo(201);
        assertThat(latest("/worker/state/default/global").headers().firstValue("X-Stroem-State")).hasValue("{\"region\":\"eu\"}");

        var uploads = api.get("/api/jobs?source_type=upload").json();
        assertThat(uploads.path("total").asLong()).isEqualTo(4);
        var audit = job(jobId);
        assertThat(audit.path("status").asText()).isEqualTo("completed");
        assertThat(audit.path("source_type").asText()).isEqualTo("upload");
        assertThat(audit.path("input").path("sha256").asText()).hasSize(64);
        assertThat(audit.path("input").path("mode").asText()).isEqualTo("replace");
        assertThat(audit.path("input").path("size_bytes").asLong()).isPositive();
    }
}
