package dev.stroem.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerConfigLoadingTest {

    private final ConfigLoader loader = new ConfigLoader();

    private ServerConfig load(String yaml) {
        return loader.parseServer(yaml, "server-config.yaml", Map.of());
    }

    @Test
    void minimalFileGetsEveryDocumentedDefault() {
        ServerConfig config = load("worker_token: secret\n");

        assertThat(config.listen()).isEqualTo("0.0.0.0:8080");
        assertThat(config.db().url()).isEqualTo("sqlite:stroem.db");
        assertThat(config.workerToken()).isEqualTo("secret");
        assertThat(config.logStorage().localDir()).isEqualTo("/tmp/stroem/logs");
        assertThat(config.logStorage().read().tailDefaultBytes()).isEqualTo(4L * 1024 * 1024);
        assertThat(config.logStorage().effectiveArchive()).isEmpty();
        assertThat(config.workspaces()).isEmpty();
        assertThat(config.recovery()).isEqualTo(new RecoveryConfig(120L, 60L, 30L));
        assertThat(config.retention()).isEqualTo(new RetentionConfig(null, null, 3600L));
        assertThat(config.auth()).isNull();
    }

    @Test
    void artifactAndStateStorageAsTheOriginalWritesThem() {
        var defaults = load("worker_token: secret\n");
        assertThat(defaults.artifactStorage()).isEqualTo(new ArtifactStorageConfig("artifacts/", 100L * 1024 * 1024,
                1024L * 1024 * 1024, null));
        assertThat(defaults.stateStorage()).isEqualTo(new StateStorageConfig("state/", 5, null));

        var config = load("""
                worker_token: secret
                log_storage:
                  archive: { type: s3, bucket: logs, region: eu-west-1, prefix: "logs/" }
                state_storage:
                  prefix: "state/"
                  max_snapshots: 5
                artifact_storage:
                  prefix: "artifacts/"
                  max_file_bytes: 104857600
                  max_job_bytes: 1073741824
                  archive:
                    type: s3
                    bucket: "my-stroem-artifacts"
                    region: "eu-west-1"
                    prefix: "v1/"
                    endpoint: "http://minio:9000"
                """);
        assertThat(config.artifactStorage().archive().bucket()).isEqualTo("my-stroem-artifacts");
        assertThat(config.artifactStorage().maxJobBytes()).isEqualTo(1073741824L);
        assertThat(config.stateStorage().maxSnapshots()).isEqualTo(5);
        assertThatThrownBy(() -> load("worker_token: t\nartifact_storage: { prefix: \"../up/\" }\n"))
                .hasMessageContaining("artifact_storage.prefix");
        assertThatThrownBy(() -> load("worker_token: t\nstate_storage: { archive: { type: local } }\n"))
                .hasMessageContaining("state_storage.archive.path");
        assertThatThrownBy(() -> load("worker_token: t\nartifact_storage: { max_file_bytes: 0 }\n"))
                .hasMessageContaining("artifact_storage.max_file_bytes");
    }

    @Test
    void readsAFileFromDisk(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("server-config.yaml");
        Files.writeString(file, """
                listen: "127.0.0.1:9090"
                db:
                  url: "postgres://stroem:pw@db:5432/stroem"
                worker_token: "w-token"
                workspaces:
                  default:
                    type: folder
                    path: ./workspace
                recovery:
                  heartbeat_timeout_secs: 300
                retention:
                  job_days: 30
                auth:
                  api_tokens: ["t1", "t2"]
                """);

        ServerConfig config = loader.loadServer(file, Map.of());

        assertThat(config.listen()).isEqualTo("127.0.0.1:9090");
        assertThat(config.db().url()).isEqualTo("postgres://stroem:pw@db:5432/stroem");
        assertThat(config.workspaces()).containsExactly(Map.entry("default", new WorkspaceConfig("folder", "./workspace")));
        assertThat(config.recovery()).isEqualTo(new RecoveryConfig(300L, 60L, 30L));
        assertThat(config.retention()).isEqualTo(new RetentionConfig(30L, null, 3600L));
        assertThat(config.auth().apiTokens()).containsExactly("t1", "t2");
    }

    @Test
    void defect11_theMergeSpillDirectoryIsAConfigKey() {
        ServerConfig config = load("""
                worker_token: secret
                log_storage:
                  read:
                    merge_spill_dir: /var/tmp/stroem-merge
                """);
        assertThat(config.logStorage().read().mergeSpillDir()).isEqualTo("/var/tmp/stroem-merge");
        assertThat(load("worker_token: secret\n").logStorage().read().mergeSpillDir()).as("java.io.tmpdir").isNull();
    }

    @Test
    void specArchiveExampleForS3() {
        ServerConfig config = load("""
                worker_token: x
                log_storage:
                  local_dir: "/var/stroem/logs"
                  archive:
                    type: s3                         # "s3" or "local"
                    bucket: "my-stroem-logs"         # S3 only
                    region: "eu-west-1"              # S3 only
                    prefix: "logs/"                  # optional key prefix, default ""
                    endpoint: "http://minio:9000"    # optional — for S3-compatible storage
                    # path: "/mnt/archive"           # local only — directory for archive files
                """);

        assertThat(config.logStorage().localDir()).isEqualTo("/var/stroem/logs");
        assertThat(config.logStorage().effectiveArchive()).contains(
                new ArchiveConfig("s3", "my-stroem-logs", "eu-west-1", "logs/", "http://minio:9000", null));
    }

    @Test
    void localArchiveWithoutPrefixGetsTheEmptyPrefix() {
        ServerConfig config = load("""
                worker_token: x
                log_storage:
                  archive:
                    type: local
                    path: "/mnt/archive"
                """);

        assertThat(config.logStorage().effectiveArchive())
                .contains(new ArchiveConfig("local", null, null, "", null, "/mnt/archive"));
    }

    @Test
    void specLegacyS3ExampleAloneMeansAnS3Archive() {
        ServerConfig config = load("""
                worker_token: x
                log_storage:
                  local_dir: "/var/stroem/logs"
                  s3:                              # legacy format — use archive instead
                    bucket: "my-stroem-logs"
                    region: "eu-west-1"
                    prefix: "logs/"
                    endpoint: "http://minio:9000"
                """);

        assertThat(config.logStorage().effectiveArchive()).contains(
                new ArchiveConfig("s3", "my-stroem-logs", "eu-west-1", "logs/", "http://minio:9000", null));
    }

    @Test
    void legacyS3WithoutPrefixGetsTheEmptyPrefix() {
        ServerConfig config = load("""
                worker_token: x
                log_storage:
                  s3:
                    bucket: "b"
                    region: "eu-west-1"
                """);

        assertThat(config.logStorage().effectiveArchive())
                .contains(new ArchiveConfig("s3", "b", "eu-west-1", "", null, null));
    }

    @Test
    void archiveWinsWhenBothArchiveAndLegacyS3AreSet() {
        ServerConfig config = load("""
                worker_token: x
                log_storage:
                  archive:
                    type: local
                    path: /mnt/archive
                  s3:
                    bucket: legacy-bucket
                    region: eu-west-1
                """);

        assertThat(config.logStorage().effectiveArchive())
                .contains(new ArchiveConfig("local", null, null, "", null, "/mnt/archive"));
    }

    @Test
    void effectiveArchiveOfHandBuiltRecordsAppliesTheSameRules() {
        var legacy = new LegacyS3Config("b", "r", null, null);
        var archive = new ArchiveConfig("s3", "a", "r", null, null, null);

        assertThat(new LogStorageConfig(null, null, null, null).effectiveArchive()).isEmpty();
        assertThat(new LogStorageConfig(null, null, legacy, null).effectiveArchive())
                .contains(new ArchiveConfig("s3", "b", "r", "", null, null));
        assertThat(new LogStorageConfig(null, archive, legacy, null).effectiveArchive())
                .contains(new ArchiveConfig("s3", "a", "r", "", null, null));
    }

    @Test
    void defect11_defaultsAreResolvedOnceForHandBuiltRecords_andResolvingAgainChangesNothing() {
        var config = new ServerConfig(null, null, "t", null, null, null, null, null).withDefaults();

        assertThat(config.listen()).isEqualTo(ServerConfig.DEFAULT_LISTEN);
        assertThat(config.db().url()).isEqualTo(DbConfig.DEFAULT_URL);
        assertThat(config.logStorage().localDir()).isEqualTo(LogStorageConfig.DEFAULT_LOCAL_DIR);
        assertThat(config.recovery().sweepIntervalSecs()).isEqualTo(60L);
        assertThat(config.retention().intervalSecs()).isEqualTo(3600L);
        assertThat(config.logStorage().stream().pingIntervalSecs()).isEqualTo(LogStreamConfig.DEFAULT_PING_INTERVAL_SECS);
        assertThat(config.logStorage().read().tailDefaultBytes()).isEqualTo(LogReadConfig.DEFAULT_TAIL_BYTES);
        assertThat(new LogStorageConfig(null, null, null, null).withDefaults().localDir()).isEqualTo("/tmp/stroem/logs");
        assertThat(config.withDefaults()).isEqualTo(config);
    }

    @Test
    void workspacesKeepTheFileOrder() {
        ServerConfig config = load("""
                worker_token: x
                workspaces:
                  zeta: {type: folder, path: /z}
                  alpha: {type: folder, path: /a}
                  mid: {type: folder, path: /m}
                """);

        assertThat(List.copyOf(config.workspaces().keySet())).containsExactly("zeta", "alpha", "mid");
    }

    @Test
    void emptyFileIsOnlyMissingTheWorkerToken() {
        ServerConfig config = loader.parseServer("", "server-config.yaml", Map.of("STROEM__WORKER_TOKEN", "t"));

        assertThat(config.workerToken()).isEqualTo("t");
        assertThat(config.listen()).isEqualTo("0.0.0.0:8080");
    }
}
