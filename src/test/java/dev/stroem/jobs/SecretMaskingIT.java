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
    static final String DEFAULT_PASSWORD = "default-pw-s3cret";
    static final String TRIGGER_PASSWORD = "trigger-pw-s3cret";
    static final String WEBHOOK_SECRET = "whsec-m4sk-me";

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
            actions:
              report:
                type: script
                input:
                  error: { type: string }
                env:
                  ERR: "{{ input.error }}"
                script: printf 'hook saw %%s\\n' "$ERR"
              use-db:
                type: script
                input:
                  db: { type: pg }
                script: |
                  echo "connecting to {{ input.db.host }} with {{ input.db.password }}"
            triggers:
              leak-sync:
                type: webhook
                name: leak-sync
                task: leak
                secret: whsec-m4sk-me
                mode: sync
                timeout_secs: 120
                input: { password: %s, db: prod_db }
              leak-async:
                type: webhook
                name: leak-async
                task: leak
                input: { password: %s, db: prod_db }
            tasks:
              migrate:
                flow:
                  connect:
                    action: use-db
                    input: { db: prod_db }
              fail:
                input:
                  password: { type: string, secret: true, default: %s }
                  vault_path: { type: string, default: "ref+vault://secret/data/db#/password" }
                flow:
                  boom:
                    type: script
                    input:
                      password: "{{ input.password }}"
                    env:
                      TOKEN: "{{ secret.API_TOKEN }}"
                    script: |
                      echo "failing with $TOKEN and {{ input.password }}" >&2
                      exit 3
                on_error:
                  - action: report
                    input:
                      error: "{{ hook.error_message }}"
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
            """.formatted(TOKEN.replace("'", "''"), TRIGGER_PASSWORD, TRIGGER_PASSWORD, DEFAULT_PASSWORD);

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
    }

    @AfterEach
    void stop() {
        server.close();
        s3.stop();
    }

    @Test
    void noStoredOrSentByteHoldsASecret() throws IOException {
        server.startWorker("w1");
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

    /**
     * A failed step's error quotes its stderr, secrets and all; the hook it fires gets that error in
     * its input. Every answer that shows either masks them: the job list (also filtered to the task,
     * as the task page asks), the job and the hook job's detail, the hook job's log, the worker's
     * recent steps, and the task's schema (a secret input's default).
     */
    @Test
    void aFailedStepsErrorAndTheHookContextAreMaskedInEveryAnswer() {
        server.startWorker("w1");
        String jobId = server.execute("fail", Map.of());
        var job = server.awaitStatus(jobId, "failed");
        // Without the masking at the API, this is where the values would show.
        assertThat(server.get("/api/jobs/" + jobId).path("steps").get(0).path("error_message").asText())
                .contains("failing with " + Masker.MASK + " and " + Masker.MASK);
        var hook = server.awaitJob(jobId, j -> j.path("hook_jobs").size() == 1
                && j.path("hook_jobs").get(0).path("status").asText().equals("completed")).path("hook_jobs").get(0);
        String hookId = hook.path("job_id").asText();

        assertNoSecret("job detail", bytes(job));
        // An unresolved secret-manager reference says where a secret lives: redacted as the original does.
        assertThat(job.path("input").path("vault_path").asText()).isEqualTo(Masker.MASK);
        assertThat(job.toString()).doesNotContain("ref+vault");
        assertNoSecret("job list", bytes(server.get("/api/jobs")));
        assertNoSecret("task's job list", bytes(server.get("/api/jobs?workspace=default&task_name=fail")));
        assertNoSecretHeld("hook job in the list", bytes(server.get("/api/jobs?source_type=hook")));
        var hookJob = server.get("/api/jobs/" + hookId);
        assertThat(hookJob.path("input").path("error").asText()).contains("failing with " + Masker.MASK);
        assertNoSecret("hook job detail", bytes(hookJob));
        assertNoSecret("hook job log", server.send("GET", "/api/jobs/" + hookId + "/logs", null, null).body()
                .getBytes(StandardCharsets.UTF_8));
        String workerId = server.get("/api/workers").path("items").get(0).path("worker_id").asText();
        assertNoSecret("worker's recent steps", bytes(server.get("/api/workers/" + workerId)));
        var task = server.get("/api/workspaces/default/tasks/fail");
        assertThat(task.path("input").path("password").path("default").asText()).isEqualTo(Masker.MASK);
        assertThat(task.toString()).doesNotContain(DEFAULT_PASSWORD);
    }

    /**
     * A worker of the original reports a step's output in its completion instead of an
     * {@code OUTPUT:} line; that output holds the secret input as given. The webhook's sync answer,
     * its status answer and the trigger list (the trigger gives the secret input its value) mask it.
     */
    @Test
    void webhookAnswersAndTheTriggerListMaskTheJobsSecrets() throws Exception {
        String workerId = server.worker("/worker/register", Map.of("name", "original", "capabilities", List.of("script")))
                .path("worker_id").asText();
        var http = java.net.http.HttpClient.newHttpClient();
        // GitLab sends its webhook token in a header of its own, which the job's input keeps.
        var syncCall = http.sendAsync(java.net.http.HttpRequest.newBuilder(URI.create(server.url() + "/hooks/leak-sync"))
                .header("Authorization", "Bearer " + WEBHOOK_SECRET).header("X-Gitlab-Token", WEBHOOK_SECRET)
                .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        String syncJob = completeNextStepReporting(workerId);
        var synced = syncCall.get(60, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(synced.statusCode()).as(synced.body()).isEqualTo(200);
        assertThat(server.json.readTree(synced.body()).path("output").path("seen").asText()).isEqualTo(Masker.MASK);
        assertNoSecret("sync webhook answer", synced.body().getBytes(StandardCharsets.UTF_8));

        String asyncJob = server.post("/hooks/leak-async", null).path("job_id").asText();
        assertThat(completeNextStepReporting(workerId)).isEqualTo(asyncJob);
        var status = server.get("/hooks/leak-async/jobs/" + asyncJob + "?wait=true");
        assertThat(status.path("status").asText()).isEqualTo("completed");
        assertThat(status.path("output").path("token").asText()).isEqualTo(Masker.MASK);
        assertNoSecret("webhook status answer", bytes(status));
        assertNoSecretHeld("webhook jobs in the list", bytes(server.get("/api/jobs?source_type=webhook")));
        var syncDetail = server.get("/api/jobs/" + syncJob);
        assertThat(syncDetail.path("input").path("headers").path("x-gitlab-token").asText()).isEqualTo(Masker.MASK);
        assertNoSecret("job detail", bytes(syncDetail));

        var triggers = server.get("/api/workspaces/default/triggers");
        assertThat(triggers.toString()).doesNotContain(TRIGGER_PASSWORD).contains(Masker.MASK);
        assertThat(server.get("/api/workspaces/default/tasks/leak").toString()).doesNotContain(TRIGGER_PASSWORD);
    }

    /**
     * An action's connection-typed input, given a connection's name by the step, reaches the worker
     * as that connection's values; the secret field is masked in the log and the step's input.
     */
    @Test
    void anActionsConnectionInputIsResolvedWhenItsStepIsClaimed() {
        server.startWorker("w1");
        String jobId = server.execute("migrate", Map.of());
        var job = server.awaitStatus(jobId, "completed");

        assertThat(server.logLines(jobId, "connect")).extracting(l -> l.path("line").asText())
                .containsExactly("connecting to db.example.com with " + Masker.MASK);
        var input = job.path("steps").get(0).path("input").path("db");
        assertThat(input.path("host").asText()).isEqualTo("db.example.com");
        assertThat(input.path("password").asText()).isEqualTo(Masker.MASK);
        assertNoSecret("job detail", bytes(job));
    }

    /** Claims the next step as an original worker would and completes it with an output holding secrets. */
    private String completeNextStepReporting(String workerId) {
        // A waiting claim: answered as soon as the webhook's job has a step ready.
        var claim = server.worker("/worker/jobs/claim", Map.of("worker_id", workerId, "wait_secs", 20));
        assertThat(claim.path("job_id").isTextual()).as("claimed %s", claim).isTrue();
        String jobId = claim.path("job_id").asText();
        String step = claim.path("step_name").asText();
        server.worker("/worker/jobs/" + jobId + "/steps/" + step + "/start", Map.of("worker_id", workerId));
        server.worker("/worker/jobs/" + jobId + "/steps/" + step + "/complete", Map.of("exit_code", 0,
                "output", Map.of("seen", claim.path("input").path("pw").asText(), "token", TOKEN)));
        return jobId;
    }

    private static byte[] bytes(com.fasterxml.jackson.databind.JsonNode node) {
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** No form of any secret in {@code bytes}, and the mask shows where one was. */
    private static void assertNoSecret(String where, byte[] bytes) {
        assertNoSecretHeld(where, bytes);
        assertThat(new String(bytes, StandardCharsets.UTF_8)).as(where).contains(Masker.MASK);
    }

    /** No form of any secret in {@code bytes} (an answer that may have had nothing to mask). */
    private static void assertNoSecretHeld(String where, byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        for (String secret : List.of(TOKEN, PASSWORD, DB_PASSWORD, DEFAULT_PASSWORD, TRIGGER_PASSWORD, WEBHOOK_SECRET)) {
            for (String form : List.of(secret, Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8)),
                    secret.replace("\"", "\\\""), secret.replace("\"", "\\\\\\\""))) {
                assertThat(text).as("%s holds %s", where, form).doesNotContain(form);
            }
        }
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
