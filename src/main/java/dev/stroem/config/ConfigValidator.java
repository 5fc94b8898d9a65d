package dev.stroem.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;

/**
 * Checks a loaded configuration (defaults already applied) and throws the first problem as a
 * {@link ConfigException} naming the field. Checks are the ones that would otherwise surface
 * later as a confusing failure: a missing token, an archive that cannot work, a database URL we
 * cannot open.
 */
final class ConfigValidator {

    private ConfigValidator() {}

    static void validate(ServerConfig config) {
        requireText("worker_token", config.workerToken());
        validateListen(config.listen());
        validateDbUrl(config.db().url());
        validateLogStorage(config.logStorage());
        config.workspaces().forEach(ConfigValidator::validateWorkspace);
        RecoveryConfig recovery = config.recovery();
        atLeastOne("recovery.heartbeat_timeout_secs", recovery.heartbeatTimeoutSecs());
        atLeastOne("recovery.sweep_interval_secs", recovery.sweepIntervalSecs());
        atLeastOne("recovery.unmatched_step_timeout_secs", recovery.unmatchedStepTimeoutSecs());
        RetentionConfig retention = config.retention();
        atLeastOne("retention.job_days", retention.jobDays());
        atLeastOne("retention.worker_hours", retention.workerHours());
        atLeastOne("retention.interval_secs", retention.intervalSecs());
        AuthConfigValidator.validate(config.auth(), config.acl());
        var artifacts = config.artifactStorage();
        validatePrefix("artifact_storage.prefix", artifacts.prefix());
        atLeastOne("artifact_storage.max_file_bytes", artifacts.maxFileBytes());
        atLeastOne("artifact_storage.max_job_bytes", artifacts.maxJobBytes());
        validateArchive("artifact_storage.archive", artifacts.archive());
        var state = config.stateStorage();
        validatePrefix("state_storage.prefix", state.prefix());
        atLeastOne("state_storage.max_snapshots", state.maxSnapshots() == null ? null : state.maxSnapshots().longValue());
        validateArchive("state_storage.archive", state.archive());
    }

    static void validate(WorkerConfig config) {
        requireText("server_url", config.serverUrl());
        // Several server replicas may be given, comma-separated; each must be a URL.
        for (String url : config.serverUrl().split(",", -1)) {
            validateHttpUrl("server_url", url.trim());
        }
        requireText("worker_token", config.workerToken());
        if (config.workerName() != null) {
            requireText("worker_name", config.workerName());
        }
        atLeastOne("max_concurrent", config.maxConcurrent() == null ? null : config.maxConcurrent().longValue());
        atLeastOne("poll_interval_secs", config.pollIntervalSecs());
        atLeastOne("heartbeat_interval_secs", config.heartbeatIntervalSecs());
        if (config.shutdownGraceSecs() != null && config.shutdownGraceSecs() < 0) {
            throw ConfigException.at("shutdown_grace_secs", "must be 0 or more, got " + config.shutdownGraceSecs());
        }
        if (config.claimWaitSecs() != null && config.claimWaitSecs() < 0) {
            throw ConfigException.at("claim_wait_secs", "must be 0 or more, got " + config.claimWaitSecs());
        }
        if (config.maxRetainedRevisions() != null && config.maxRetainedRevisions() < 0) {
            throw ConfigException.at("max_retained_revisions", "must be 0 or more, got " + config.maxRetainedRevisions());
        }
        atLeastOne("request_timeout_secs", config.requestTimeoutSecs());
        atLeastOne("connect_timeout_secs", config.connectTimeoutSecs());
        if (config.workspaceCacheDir() != null) {
            requireText("workspace_cache_dir", config.workspaceCacheDir());
        }
        if (config.capabilities().isEmpty()) {
            throw ConfigException.at("capabilities", "needs at least one capability, e.g. [script]");
        }
        eachText("capabilities", config.capabilities());
        eachText("tags", config.tags());
    }

    private static void validateListen(String listen) {
        requireText("listen", listen);
        int colon = listen.lastIndexOf(':');
        boolean valid = colon > 0 && colon < listen.length() - 1;
        if (valid) {
            try {
                int port = Integer.parseInt(listen.substring(colon + 1));
                valid = port >= 0 && port <= 65535;
            } catch (NumberFormatException e) {
                valid = false;
            }
        }
        if (!valid) {
            throw ConfigException.at("listen", "expected HOST:PORT such as \"0.0.0.0:8080\", got \"" + listen + "\"");
        }
    }

    private static void validateDbUrl(String url) {
        requireText("db.url", url);
        boolean sqlite = url.startsWith("sqlite:") && url.length() > "sqlite:".length();
        boolean postgres = url.startsWith("postgres://") || url.startsWith("postgresql://");
        if (!sqlite && !postgres) {
            throw ConfigException.at("db.url", "expected \"sqlite:PATH\" or \"postgres://user:pass@host:port/db\", got \""
                    + url + "\"");
        }
    }

    private static void validateLogStorage(LogStorageConfig storage) {
        requireText("log_storage.local_dir", storage.localDir());
        atLeastOne("log_storage.read.tail_default_bytes", storage.read().tailDefaultBytes());
        LogStreamConfig stream = storage.stream();
        atLeastOne("log_storage.stream.buffer_bytes", stream.bufferBytes());
        atLeastOne("log_storage.stream.ping_interval_secs", stream.pingIntervalSecs());
        atLeastOne("log_storage.stream.unresponsive_timeout_secs", stream.unresponsiveTimeoutSecs());
        ArchiveConfig archive = storage.archive();
        if (archive != null) {
            validateArchive("log_storage.archive", archive);
        } else if (storage.s3() != null) {
            // Only checked when in effect: with an archive block the legacy block is ignored.
            LegacyS3Config s3 = storage.s3();
            if (isBlank(s3.bucket())) {
                throw ConfigException.at("log_storage.s3.bucket", "required");
            }
            validateEndpoint("log_storage.s3.endpoint", s3.endpoint());
            validatePrefix("log_storage.s3.prefix", s3.prefix());
        }
    }

    private static void validateArchive(String at, ArchiveConfig archive) {
        if (archive != null) {
            if (archive.type() == null) {
                throw ConfigException.at(at + ".type", "required (\"s3\" or \"local\")");
            }
            switch (archive.type()) {
                case ArchiveConfig.TYPE_S3 -> {
                    if (isBlank(archive.bucket())) {
                        throw ConfigException.at(at + ".bucket", "required when type is \"s3\"");
                    }
                    validateEndpoint(at + ".endpoint", archive.endpoint());
                }
                case ArchiveConfig.TYPE_LOCAL -> {
                    if (isBlank(archive.path())) {
                        throw ConfigException.at(at + ".path", "required when type is \"local\"");
                    }
                }
                default -> throw ConfigException.at(at + ".type", "unknown archive type \"" + archive.type()
                        + "\" (expected \"s3\" or \"local\")");
            }
            validatePrefix(at + ".prefix", archive.prefix());
        }
    }

    private static void validateEndpoint(String field, String endpoint) {
        if (endpoint != null) {
            validateHttpUrl(field, endpoint);
        }
    }

    /** The prefix becomes part of object keys and, for the local archive, of paths: it must not climb out. */
    private static void validatePrefix(String field, String prefix) {
        if (prefix == null || prefix.isEmpty()) {
            return;
        }
        boolean climbs = List.of(prefix.split("/", -1)).contains("..");
        if (prefix.startsWith("/") || prefix.contains("\\") || climbs) {
            throw ConfigException.at(field, "must be a relative key prefix without \"..\", \"\\\" or a leading \"/\", got \""
                    + prefix + "\"");
        }
    }

    private static void validateWorkspace(String name, WorkspaceConfig workspace) {
        String at = "workspaces." + name;
        if (workspace == null) {
            throw ConfigException.at(at, "expected a mapping with type and path");
        }
        if (workspace.type() == null) {
            throw ConfigException.at(at + ".type", "required (\"folder\")");
        }
        if (!WorkspaceConfig.TYPE_FOLDER.equals(workspace.type())) {
            throw ConfigException.at(at + ".type", "unknown workspace type \"" + workspace.type() + "\" (expected \"folder\")");
        }
        requireText(at + ".path", workspace.path());
    }

    private static void validateHttpUrl(String field, String url) {
        boolean valid;
        try {
            URI uri = new URI(url);
            valid = ("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))
                    && uri.getHost() != null;
        } catch (URISyntaxException e) {
            valid = false;
        }
        if (!valid) {
            throw ConfigException.at(field, "expected an http:// or https:// URL, got \"" + url + "\"");
        }
    }

    private static void requireText(String field, String value) {
        if (value == null) {
            throw ConfigException.at(field, "required");
        }
        if (value.isBlank()) {
            throw ConfigException.at(field, "must not be empty");
        }
    }

    private static void eachText(String field, List<String> values) {
        for (int i = 0; i < values.size(); i++) {
            if (isBlank(values.get(i))) {
                throw ConfigException.at(field + "[" + i + "]", "must not be empty");
            }
        }
    }

    private static void atLeastOne(String field, Long value) {
        if (value != null && value < 1) {
            throw ConfigException.at(field, "must be at least 1, got " + value);
        }
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
