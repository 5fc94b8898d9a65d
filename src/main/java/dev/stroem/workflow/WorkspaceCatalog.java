package dev.stroem.workflow;

import dev.stroem.config.WorkspaceConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The configured workspaces, loaded and kept current. Readers take {@link #snapshot()} (lock-free);
 * {@link #reload()} builds a complete new snapshot from disk and swaps it in atomically, so readers
 * see either the old or the new catalog, never a mix. A workspace that fails to load still appears,
 * with its errors, so the server starts whatever is on disk.
 */
public final class WorkspaceCatalog {

    private final Map<String, WorkspaceConfig> configs;
    private final Path baseDir;
    private final WorkspaceLoader loader;
    private final Clock clock;
    private final AtomicReference<Loaded> current = new AtomicReference<>();
    private final Object reloadLock = new Object();

    private record Loaded(CatalogSnapshot snapshot, String fingerprint) {}

    /**
     * Loads every workspace now.
     *
     * @param configs workspaces by name, as in the server config's {@code workspaces:}
     * @param baseDir relative workspace paths resolve against it (normally the config file's folder)
     */
    public WorkspaceCatalog(Map<String, WorkspaceConfig> configs, Path baseDir) {
        this(configs, baseDir, new WorkspaceLoader(), Clock.systemUTC());
    }

    public WorkspaceCatalog(Map<String, WorkspaceConfig> configs, Path baseDir, WorkspaceLoader loader, Clock clock) {
        this.configs = configs == null ? Map.of() : new LinkedHashMap<>(configs);
        this.baseDir = baseDir.toAbsolutePath().normalize();
        this.loader = loader;
        this.clock = clock;
        reload();
    }

    public CatalogSnapshot snapshot() {
        return current.get().snapshot();
    }

    public Optional<Workspace> workspace(String name) {
        return snapshot().workspace(name);
    }

    /** Re-reads every workspace from disk and swaps the result in. */
    public CatalogSnapshot reload() {
        synchronized (reloadLock) {
            // Fingerprint first: a file changed during the load shows up as a change on the next check.
            String fingerprint = fingerprint();
            var workspaces = new LinkedHashMap<String, Workspace>();
            configs.forEach((name, config) -> workspaces.put(name, load(name, config)));
            var snapshot = new CatalogSnapshot(workspaces, clock.instant());
            current.set(new Loaded(snapshot, fingerprint));
            return snapshot;
        }
    }

    /**
     * Reloads when any workflow file was added, removed or changed since the last load.
     *
     * @return true when it reloaded
     */
    public boolean reloadIfChanged() {
        if (fingerprint().equals(current.get().fingerprint())) {
            return false;
        }
        reload();
        return true;
    }

    private Workspace load(String name, WorkspaceConfig config) {
        if (config == null || config.path() == null || config.path().isBlank()) {
            return failed(name, baseDir, "workspace has no 'path'");
        }
        Path root = baseDir.resolve(config.path()).normalize();
        String type = config.type() == null ? WorkspaceConfig.TYPE_FOLDER : config.type();
        if (!WorkspaceConfig.TYPE_FOLDER.equals(type)) {
            return failed(name, root, "workspace type '" + type + "' is not supported by Strøm for the JVM (only 'folder')");
        }
        return loader.load(name, root);
    }

    private static Workspace failed(String name, Path root, String message) {
        return new Workspace(name, root, Map.of(), Map.of(), Hooks.NONE, List.of(WorkflowError.ofFile(null, null, message)));
    }

    /** A digest of every workflow file's path and content; cheap for the few small files a workspace has. */
    private String fingerprint() {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
        for (var entry : configs.entrySet()) {
            digest.update(("\0ws:" + entry.getKey()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            WorkspaceConfig config = entry.getValue();
            if (config == null || config.path() == null) {
                continue;
            }
            Path root = baseDir.resolve(config.path()).normalize();
            try {
                for (Path file : WorkspaceLoader.workflowFiles(root)) {
                    digest.update(("\0file:" + root.relativize(file)).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    digest.update(Files.readAllBytes(file));
                }
            } catch (IOException e) {
                // Missing or unreadable: part of the state, so its appearance later counts as a change.
                digest.update(("\0unreadable:" + e.getClass().getName()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
