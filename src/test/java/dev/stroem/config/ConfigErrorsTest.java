package dev.stroem.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every way a configuration is refused at start, each as the one sentence the user reads. */
class ConfigErrorsTest {

    private final ConfigLoader loader = new ConfigLoader();

    private AbstractThrowableAssert<?, ? extends Throwable> server(String yaml) {
        return assertThatThrownBy(() -> loader.parseServer(yaml, "server-config.yaml", Map.of()))
                .isInstanceOf(ConfigException.class);
    }

    private AbstractThrowableAssert<?, ? extends Throwable> worker(String yaml) {
        return assertThatThrownBy(() -> loader.parseWorker(yaml, "worker-config.yaml", Map.of()))
                .isInstanceOf(ConfigException.class);
    }

    @Test
    void unknownArchiveType() {
        server("""
                worker_token: t
                log_storage:
                  archive:
                    type: ftp
                """).hasMessage("log_storage.archive.type: unknown archive type \"ftp\" (expected \"s3\" or \"local\")");
    }

    @Test
    void liveStreamTimeoutsMustBePositive() {
        server("""
                worker_token: t
                log_storage:
                  stream:
                    unresponsive_timeout_secs: 0
                """).hasMessage("log_storage.stream.unresponsive_timeout_secs: must be at least 1, got 0");
    }

    @Test
    void liveStreamSettingsHaveDefaultsAndCanBeSet() {
        var defaults = loader.parseServer("worker_token: t\n", "server-config.yaml", Map.of()).logStorage().stream();
        assertThat(defaults).isEqualTo(new LogStreamConfig(1L << 20, 30L, 60L));
        var set = loader.parseServer("""
                worker_token: t
                log_storage:
                  stream: { ping_interval_secs: 5, buffer_bytes: 4096 }
                """, "server-config.yaml", Map.of("STROEM__LOG_STORAGE__STREAM__UNRESPONSIVE_TIMEOUT_SECS", "9"))
                .logStorage().stream();
        assertThat(set).isEqualTo(new LogStreamConfig(4096L, 5L, 9L));
    }

    @Test
    void archiveWithoutType() {
        server("""
                worker_token: t
                log_storage:
                  archive:
                    bucket: b
                """).hasMessage("log_storage.archive.type: required (\"s3\" or \"local\")");
    }

    @Test
    void s3ArchiveWithoutBucket() {
        server("""
                worker_token: t
                log_storage:
                  archive:
                    type: s3
                    region: eu-west-1
                """).hasMessage("log_storage.archive.bucket: required when type is \"s3\"");
    }

    @Test
    void localArchiveWithoutPath() {
        server("""
                worker_token: t
                log_storage:
                  archive:
                    type: local
                """).hasMessage("log_storage.archive.path: required when type is \"local\"");
    }

    @Test
    void legacyS3WithoutBucket() {
        server("""
                worker_token: t
                log_storage:
                  s3:
                    region: eu-west-1
                """).hasMessage("log_storage.s3.bucket: required");
    }

    @Test
    void endpointMustBeAnHttpUrl() {
        server("""
                worker_token: t
                log_storage:
                  archive: {type: s3, bucket: b, endpoint: "minio:9000"}
                """).hasMessage("log_storage.archive.endpoint: expected an http:// or https:// URL, got \"minio:9000\"");
    }

    @Test
    void prefixMayNotClimbOutOfTheArchive() {
        server("""
                worker_token: t
                log_storage:
                  archive: {type: local, path: /mnt/a, prefix: "../etc/"}
                """).hasMessageStartingWith("log_storage.archive.prefix: must be a relative key prefix");
        server("""
                worker_token: t
                log_storage:
                  s3: {bucket: b, prefix: "/abs/"}
                """).hasMessageStartingWith("log_storage.s3.prefix: must be a relative key prefix");
    }

    @Test
    void unknownFieldInTheFile() {
        server("""
                worker_token: t
                log_storage:
                  bogus: 1
                """).hasMessage("log_storage.bogus: unknown field");
        server("worker_token: t\nlistn: x\n").hasMessage("listn: unknown field");
        worker("server_url: http://h\nworker_token: t\nmax_concurent: 2\n").hasMessage("max_concurent: unknown field");
    }

    @Test
    void unknownFieldInsideAWorkspaceEntry() {
        server("""
                worker_token: t
                workspaces:
                  default: {type: folder, path: /w, branch: main}
                """).hasMessage("workspaces.default.branch: unknown field");
    }

    @Test
    void numberThatIsNotANumber() {
        server("""
                worker_token: t
                recovery:
                  heartbeat_timeout_secs: abc
                """).hasMessage("recovery.heartbeat_timeout_secs: expected a number, got \"abc\"");
    }

    @Test
    void fractionWhereAWholeNumberIsNeeded() {
        server("""
                worker_token: t
                recovery:
                  sweep_interval_secs: 1.5
                """).hasMessage("recovery.sweep_interval_secs: expected a whole number, got 1.5");
    }

    @Test
    void listWhereASingleValueIsNeeded() {
        server("worker_token: [a, b]\n").hasMessage("worker_token: expected a single value, got a list");
    }

    @Test
    void singleValueWhereASectionIsNeeded() {
        server("worker_token: t\nlog_storage: /var/logs\n")
                .hasMessage("log_storage: expected a mapping of fields, got \"/var/logs\"");
    }

    @Test
    void numbersMustBePositive() {
        server("worker_token: t\nretention:\n  interval_secs: 0\n")
                .hasMessage("retention.interval_secs: must be at least 1, got 0");
        worker("server_url: http://h\nworker_token: t\nmax_concurrent: 0\n")
                .hasMessage("max_concurrent: must be at least 1, got 0");
    }

    @Test
    void yamlSyntaxErrorGivesLineAndColumn() {
        server("""
                worker_token: t
                log_storage:
                  local_dir: "/var/logs
                """).hasMessageStartingWith("server-config.yaml: YAML syntax error at line ")
                .hasMessageContaining(", column ");
        server("worker_token: t\nlisten: a: b\n")
                .hasMessage("server-config.yaml: YAML syntax error at line 2, column 10: mapping values are not allowed here");
    }

    @Test
    void duplicateKeyIsRejected() {
        server("worker_token: a\nworker_token: b\n")
                .hasMessageStartingWith("server-config.yaml: key \"worker_token\" appears twice in one mapping");
    }

    @Test
    void topLevelMustBeAMapping() {
        server("- a\n- b\n").hasMessage("server-config.yaml: expected a mapping of settings at the top level, got a list");
    }

    @Test
    void missingFile(@TempDir Path dir) {
        Path missing = dir.resolve("nope.yaml");

        assertThatThrownBy(() -> loader.loadServer(missing, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage(missing + ": config file not found");
    }

    @Test
    void directoryInsteadOfFile(@TempDir Path dir) {
        assertThatThrownBy(() -> loader.loadWorker(dir, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage(dir + ": is a directory, not a config file");
    }

    @Test
    void serverNeedsAWorkerToken() {
        server("listen: 0.0.0.0:8080\n").hasMessage("worker_token: required");
        server("worker_token: \"  \"\n").hasMessage("worker_token: must not be empty");
    }

    @Test
    void dbUrlMustBeSqliteOrPostgres() {
        server("worker_token: t\ndb:\n  url: mysql://h/db\n")
                .hasMessage("db.url: expected \"sqlite:PATH\" or \"postgres://user:pass@host:port/db\", got \"mysql://h/db\"");
        server("worker_token: t\ndb:\n  url: \"sqlite:\"\n").hasMessageStartingWith("db.url: expected");
    }

    @Test
    void dbUrlAcceptsEveryDocumentedForm() {
        for (String url : new String[] {"sqlite:stroem.db", "sqlite:/var/lib/stroem.db", "postgres://u:p@h:5432/db",
                "postgresql://u@h/db"}) {
            assertThat(loader.parseServer("worker_token: t\ndb: {url: \"" + url + "\"}\n", "s.yaml", Map.of()).db().url())
                    .isEqualTo(url);
        }
    }

    @Test
    void listenMustBeHostAndPort() {
        server("worker_token: t\nlisten: localhost\n")
                .hasMessage("listen: expected HOST:PORT such as \"0.0.0.0:8080\", got \"localhost\"");
    }

    @Test
    void workspaceEntriesNeedTypeFolderAndPath() {
        server("worker_token: t\nworkspaces:\n  default: {path: /w}\n")
                .hasMessage("workspaces.default.type: required (\"folder\")");
        server("worker_token: t\nworkspaces:\n  default: {type: git, path: /w}\n")
                .hasMessage("workspaces.default.type: unknown workspace type \"git\" (expected \"folder\")");
        server("worker_token: t\nworkspaces:\n  default: {type: folder}\n")
                .hasMessage("workspaces.default.path: required");
        server("worker_token: t\nworkspaces:\n  default:\n")
                .hasMessage("workspaces.default: expected a mapping with type and path");
    }

    @Test
    void apiTokensMustBeNonEmpty() {
        server("worker_token: t\nauth:\n  api_tokens: []\n")
                .hasMessage("auth.api_tokens: needs at least one token (remove auth to run without tokens)");
        server("worker_token: t\nauth:\n  api_tokens: [ok, \"\"]\n").hasMessage("auth.api_tokens[1]: must not be empty");
    }

    @Test
    void workerNeedsServerUrlAndToken() {
        worker("worker_token: t\n").hasMessage("server_url: required");
        worker("server_url: localhost:8080\nworker_token: t\n")
                .hasMessage("server_url: expected an http:// or https:// URL, got \"localhost:8080\"");
        worker("server_url: ftp://h\nworker_token: t\n")
                .hasMessage("server_url: expected an http:// or https:// URL, got \"ftp://h\"");
        worker("server_url: http://h:8080\n").hasMessage("worker_token: required");
    }

    @Test
    void workerListsMustHoldValues() {
        worker("server_url: http://h\nworker_token: t\ncapabilities: []\n")
                .hasMessage("capabilities: needs at least one capability, e.g. [script]");
        worker("server_url: http://h\nworker_token: t\ntags: [linux, ~]\n").hasMessage("tags[1]: must not be empty");
    }

    @Test
    void exceptionNamesTheField() {
        var e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                () -> loader.parseServer("worker_token: t\nlog_storage: {archive: {type: s3}}\n", "s.yaml", Map.of()));

        assertThat(e.field()).contains("log_storage.archive.bucket");
    }
}
