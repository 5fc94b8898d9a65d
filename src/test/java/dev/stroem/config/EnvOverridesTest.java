package dev.stroem.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code STROEM__A__B=value} overrides, through the loader as a user meets them. */
class EnvOverridesTest {

    private static final String SERVER_YAML = """
            worker_token: from-file
            db:
              url: "sqlite:file.db"
            log_storage:
              local_dir: /from/file
              archive:
                type: s3
                bucket: file-bucket
                region: eu-west-1
            workspaces:
              default:
                type: folder
                path: /from/file/workspace
            """;

    private final ConfigLoader loader = new ConfigLoader();

    private ServerConfig server(String yaml, Map<String, String> env) {
        return loader.parseServer(yaml, "server-config.yaml", env);
    }

    private WorkerConfig worker(Map<String, String> env) {
        return loader.parseWorker("server_url: http://localhost:8080\nworker_token: w\n", "worker-config.yaml", env);
    }

    @Test
    void localDirOverride() {
        var config = server(SERVER_YAML, Map.of("STROEM__LOG_STORAGE__LOCAL_DIR", "/from/env"));

        assertThat(config.logStorage().localDir()).isEqualTo("/from/env");
    }

    @Test
    void archiveTypeOverrideSwitchesTheBackend() {
        var config = server(SERVER_YAML, Map.of(
                "STROEM__LOG_STORAGE__ARCHIVE__TYPE", "local",
                "STROEM__LOG_STORAGE__ARCHIVE__PATH", "/mnt/archive"));

        ArchiveConfig archive = config.logStorage().effectiveArchive().orElseThrow();
        assertThat(archive.type()).isEqualTo("local");
        assertThat(archive.path()).isEqualTo("/mnt/archive");
        assertThat(archive.bucket()).isEqualTo("file-bucket");
    }

    @Test
    void dbUrlOverride() {
        var config = server(SERVER_YAML, Map.of("STROEM__DB__URL", "postgres://u:p@127.0.0.1:5432/test"));

        assertThat(config.db().url()).isEqualTo("postgres://u:p@127.0.0.1:5432/test");
    }

    @Test
    void workerTokenOverride() {
        assertThat(server(SERVER_YAML, Map.of("STROEM__WORKER_TOKEN", "from-env")).workerToken()).isEqualTo("from-env");
        assertThat(worker(Map.of("STROEM__WORKER_TOKEN", "from-env")).workerToken()).isEqualTo("from-env");
    }

    @Test
    void workspacePathOverride() {
        var config = server(SERVER_YAML, Map.of("STROEM__WORKSPACES__DEFAULT__PATH", "/from/env/workspace"));

        assertThat(config.workspaces().get("default")).isEqualTo(new WorkspaceConfig("folder", "/from/env/workspace"));
    }

    @Test
    void overridesCreateSectionsTheFileDoesNotHave() {
        var config = server("worker_token: t\n", Map.of(
                "STROEM__LOG_STORAGE__ARCHIVE__TYPE", "s3",
                "STROEM__LOG_STORAGE__ARCHIVE__BUCKET", "env-bucket",
                "STROEM__LOG_STORAGE__ARCHIVE__REGION", "eu-north-1",
                "STROEM__WORKSPACES__OPS__TYPE", "folder",
                "STROEM__WORKSPACES__OPS__PATH", "/srv/ops"));

        assertThat(config.logStorage().effectiveArchive())
                .contains(new ArchiveConfig("s3", "env-bucket", "eu-north-1", "", null, null));
        assertThat(config.workspaces()).containsEntry("ops", new WorkspaceConfig("folder", "/srv/ops"));
    }

    @Test
    void overridesReplaceAnEmptySectionOfTheFile() {
        var config = server("worker_token: t\nlog_storage:\n", Map.of("STROEM__LOG_STORAGE__LOCAL_DIR", "/x"));

        assertThat(config.logStorage().localDir()).isEqualTo("/x");
    }

    @Test
    void numbersAreCoercedFromStrings() {
        var config = server(SERVER_YAML, Map.of(
                "STROEM__RECOVERY__HEARTBEAT_TIMEOUT_SECS", "300",
                "STROEM__RETENTION__JOB_DAYS", "14",
                "STROEM__LOG_STORAGE__READ__TAIL_DEFAULT_BYTES", "1048576"));

        assertThat(config.recovery().heartbeatTimeoutSecs()).isEqualTo(300L);
        assertThat(config.recovery().sweepIntervalSecs()).isEqualTo(60L);
        assertThat(config.retention().jobDays()).isEqualTo(14L);
        assertThat(config.logStorage().read().tailDefaultBytes()).isEqualTo(1_048_576L);
        assertThat(worker(Map.of("STROEM__MAX_CONCURRENT", "8")).maxConcurrent()).isEqualTo(8);
    }

    @Test
    void listsAsFlowListOrCommaSeparated() {
        assertThat(server(SERVER_YAML, Map.of("STROEM__AUTH__API_TOKENS", "[\"a\",\"b\"]")).auth().apiTokens())
                .containsExactly("a", "b");
        assertThat(server(SERVER_YAML, Map.of("STROEM__AUTH__API_TOKENS", "a, b")).auth().apiTokens())
                .containsExactly("a", "b");
        assertThat(worker(Map.of("STROEM__TAGS", "gpu,linux")).tags()).containsExactly("gpu", "linux");
        assertThat(worker(Map.of("STROEM__TAGS", "[gpu, linux]")).tags()).containsExactly("gpu", "linux");
        assertThat(worker(Map.of("STROEM__CAPABILITIES", "script")).capabilities()).containsExactly("script");
        assertThat(worker(Map.of("STROEM__TAGS", "")).tags()).isEmpty();
    }

    @Test
    void aSectionCanBeGivenAsAFlowMapping() {
        var config = server("worker_token: t\n", Map.of("STROEM__LOG_STORAGE__ARCHIVE", "{type: local, path: /mnt/a}"));

        assertThat(config.logStorage().effectiveArchive())
                .contains(new ArchiveConfig("local", null, null, "", null, "/mnt/a"));
    }

    @Test
    void anEmptyValueUnsetsTheFieldSoTheDefaultApplies() {
        var config = server(SERVER_YAML, Map.of("STROEM__LOG_STORAGE__LOCAL_DIR", ""));

        assertThat(config.logStorage().localDir()).isEqualTo(LogStorageConfig.DEFAULT_LOCAL_DIR);
    }

    @Test
    void otherVariablesAndTheOtherRolesSettingsAreIgnored() {
        var env = Map.of(
                "PATH", "/usr/bin",
                "STROEM_SINGLE_UNDERSCORE", "x",
                "STROEM__SERVER_URL", "http://elsewhere:8080",
                "STROEM__MAX_CONCURRENT", "2",
                "STROEM__LISTEN", "127.0.0.1:1234",
                "STROEM__WORKER_TOKEN", "shared");

        ServerConfig server = server(SERVER_YAML, env);
        WorkerConfig worker = worker(env);

        assertThat(server.listen()).isEqualTo("127.0.0.1:1234");
        assertThat(server.workerToken()).isEqualTo("shared");
        assertThat(worker.serverUrl()).isEqualTo("http://elsewhere:8080");
        assertThat(worker.maxConcurrent()).isEqualTo(2);
        assertThat(worker.workerToken()).isEqualTo("shared");
    }

    @Test
    void unknownFieldFromTheEnvironmentIsRejectedAndNamesTheVariable() {
        assertThatThrownBy(() -> server(SERVER_YAML, Map.of("STROEM__LOG_STORAGE__BOGUS", "x")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("log_storage.bogus: unknown field (set by environment variable STROEM__LOG_STORAGE__BOGUS)");
    }

    @Test
    void badNumberFromTheEnvironmentNamesFieldValueAndVariable() {
        assertThatThrownBy(() -> server(SERVER_YAML, Map.of("STROEM__RECOVERY__HEARTBEAT_TIMEOUT_SECS", "abc")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("recovery.heartbeat_timeout_secs: expected a number, got \"abc\""
                        + " (set by environment variable STROEM__RECOVERY__HEARTBEAT_TIMEOUT_SECS)");
    }

    @Test
    void validationProblemsOfOverriddenValuesNameTheVariable() {
        assertThatThrownBy(() -> server(SERVER_YAML, Map.of("STROEM__LOG_STORAGE__ARCHIVE__TYPE", "ftp")))
                .hasMessage("log_storage.archive.type: unknown archive type \"ftp\" (expected \"s3\" or \"local\")"
                        + " (set by environment variable STROEM__LOG_STORAGE__ARCHIVE__TYPE)");
    }

    @Test
    void fieldInsideASingleValueIsRejected() {
        assertThatThrownBy(() -> server(SERVER_YAML, Map.of("STROEM__DB__URL__X", "y")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("db.url: is a single value, so it has no field \"x\" to set"
                        + " (set by environment variable STROEM__DB__URL__X)");
    }

    @Test
    void malformedVariableNameIsRejected() {
        assertThatThrownBy(() -> server(SERVER_YAML, Map.of("STROEM__LOG_STORAGE____LOCAL_DIR", "/x")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("STROEM__LOG_STORAGE____LOCAL_DIR: environment variable name has an empty section");
    }

    @Test
    void badFlowListIsRejected() {
        assertThatThrownBy(() -> worker(Map.of("STROEM__TAGS", "[gpu, ")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("tags: expected a list like [\"a\",\"b\"] or a,b, got \"[gpu,\""
                        + " (set by environment variable STROEM__TAGS)");
    }
}
