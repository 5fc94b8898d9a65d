package dev.stroem.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stroem.secrets.Masker;
import dev.stroem.storage.S3ProxyServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real worker prints a workspace secret and a {@code secret: true} input plainly, base64-encoded
 * and JSON-escaped; no byte the server keeps or sends holds them: the local log file, the archive
 * object on S3 (S3Proxy), the API's job and log answers and the live log WebSocket's frames.
 */
class SecretMaskingIT {
    static final String TOKEN = "p@ss\"w0rd-Ünï/42";
    static final String PASSWORD = "hunter2-input-secret";
    static final String DB_PASSWORD = "conn-pw-s3cret";

    static final String WORKFLOW = """
            connection_types:
              pg:
                host: { type: string, required: true }
                password: { type: string, required: true, secret: true }
            connections:
              prod_db:
                type: pg
                host: db.example.com
                password: conn-pw-s3cret
            secrets:
              API_TOKEN: '%s'
              PLAIN: "{{ 'not-a-reference' | vals }}"
            tasks:
              leak:
                input:
                  password: { type: string, secret: true }
                  db: { type: pg }
                flow:
                  print:
                    type: script
                    input:
                      pw: "{{ input.password }}"
                      db: "{{ input.db }}"
                    env:
                      TOKEN: "{{ secret.API_TOKEN }}"
                    script: |
                      echo "plain: $TOKEN and {{ input.pw }} and {{ secret.PLAIN }}"
                      echo "db: {{ input.db.host }} {{ input.db.password }}"
                      echo "b64: $(printf '%%s' "$TOKEN" | base64 -w0) $(printf '%%s' '{{ input.pw }}' | base64 -w0)"
                      echo "json: {\\"token\\": \\"$(printf '%%s' "$TOKEN" | sed 's/\\\\/\\\\\\\\/g; s/"/\\\\"/g')\\"}"
                      printf '%%s' "$TOKEN" >&2; echo " on stderr" >&2
                      echo "OUTPUT: {\\"seen\\": \\"{{ input.pw }}\\"}"
            """.formatted(TOKEN.replace("'", "''"));

    @TempDir
    Path dir;

    private S3ProxyServer s3;
    private ServerFixture server;
    private final String bucket = "secrets";

    @BeforeEach
    void start() {
        s3 = new S3ProxyServer().withFilesystemStore(dir.resolve("s3")).start();
        s3.createBucket(bucket);
        server = new ServerFixture(dir.resolve("server")).workflow("leak.yaml", WORKFLOW)
                .withArchive(s3.archiveConfig(bucket, "logs/")).start();
        server.startWorker("w1");
    }

    @AfterEach
    void stop() {
        server.close();
        s3.stop();
    }

    @Test
    void noStoredOrSentByteHoldsASecret() throws IOException {
        String jobId = server.execute("leak", Map.of("password", PASSWORD, "db", "prod_db"));
        var job = server.awaitStatus(jobId, "completed");
        var archived = server.awaitArchivedUpToDate(jobId);

        var lines = server.logLines(jobId, "print").stream().map(l -> l.path("line").asText()).toList();
        assertThat(lines).contains(
                // PLAIN (a text passed through | vals unchanged) is a workspace secret too.
                "plain: " + Masker.MASK + " and " + Masker.MASK + " and " + Masker.MASK,
                "json: {\"token\": \"" + Masker.MASK + "\"}",
                "db: db.example.com " + Masker.MASK,
                Masker.MASK + " on stderr");
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("b64: " + Masker.MASK));

        assertNoSecret("local log file", Files.readAllBytes(server.logDir().resolve(jobId + ".jsonl")));
        String key = archived.path("archive").path("key").asText();
        try (InputStream in = s3.blobStore().getBlob(bucket, key).getPayload().openStream()) {
            assertNoSecret("archive object", gunzip(in.readAllBytes()));
        }
        assertNoSecret("job detail", job.toString().getBytes(StandardCharsets.UTF_8));
        assertThat(job.path("raw_input").path("password").asText()).isEqualTo(Masker.MASK);
        assertThat(job.path("steps").get(0).path("input").path("pw").asText()).isEqualTo(Masker.MASK);
        assertNoSecret("job log", server.send("GET", "/api/jobs/" + jobId + "/logs", null, null).body()
                .getBytes(StandardCharsets.UTF_8));
        assertNoSecret("WebSocket frames", webSocketFrames(jobId).getBytes(StandardCharsets.UTF_8));
    }

    private static void assertNoSecret(String where, byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        for (String secret : List.of(TOKEN, PASSWORD, DB_PASSWORD)) {
            for (String form : List.of(secret, Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8)),
                    secret.replace("\"", "\\\""), secret.replace("\"", "\\\\\\\""))) {
                assertThat(text).as("%s holds %s", where, form).doesNotContain(form);
            }
        }
        assertThat(text).as(where).contains(Masker.MASK);
    }

    /** Everything the live log stream sends for an ended job: its backfill, until it closes. */
    private String webSocketFrames(String jobId) {
        var client = dev.stroem.web.StreamClient.connect(
                URI.create(server.url().replace("http", "ws") + "/api/jobs/" + jobId + "/logs/stream"));
        assertThat(client.closeCode()).isEqualTo(1000);
        return String.join("", client.frames());
    }

    private static byte[] gunzip(byte[] gz) throws IOException {
        try (var in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            return in.readAllBytes();
        }
    }
}
