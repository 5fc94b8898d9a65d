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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configured workspaces, loaded and kept current. Readers take {@link #snapshot()} (lock-free);
 * {@link #reload()} builds a complete new snapshot from disk and swaps it in atomically, so readers
 * see either the old or the new catalog, never a mix. A workspace that fails to load still appears,
 * with its errors, so the server starts whatever is on disk.
 */
public final class WorkspaceCatalog {

    private static final Logger LOG = LoggerFactory.getLogger(WorkspaceCatalog.class);
    /** Older revisions kept parsed in memory for the jobs still running on them. */
    private static final int OLD_REVISIONS_CACHED = 16;

    private final Map<String, WorkspaceConfig> configs;
    private final Path baseDir;
    private final WorkspaceLoader loader;
    private final Clock clock;
    private final RevisionArchive archive;
    private final AtomicReference<Loaded> current = new AtomicReference<>();
    private final Object reloadLock = new Object();
    private final Map<String, Workspace> oldRevisions = new java.util.LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Workspace> eldest) {
            return size() > OLD_REVISIONS_CACHED;
        }
    };

    /**
     * @param deliveries the archive of each workspace's current revision, as stored (so the same
     *     bytes on every replica)
     */
    private record Loaded(CatalogSnapshot snapshot, String fingerprint, Map<String, Delivery> deliveries) {}

    /** A workspace revision as workers download it. */
    public record Delivery(String workspace, String revision, byte[] tarGz) {}

    /**
     * Loads every workspace now.
     *
     * @param configs workspaces by name, as in the server config's {@code workspaces:}
     * @param baseDir relative workspace paths resolve against it (normally the config file's folder)
     */
    public WorkspaceCatalog(Map<String, WorkspaceConfig> configs, Path baseDir) {
        this(configs, baseDir, RevisionArchive.inMemory());
    }

    /** @param archive where revisions' archives are stored (the server's database) */
    public WorkspaceCatalog(Map<String, WorkspaceConfig> configs, Path baseDir, RevisionArchive archive) {
        this(configs, baseDir, new WorkspaceLoader(), Clock.systemUTC(), archive);
    }

    public WorkspaceCatalog(Map<String, WorkspaceConfig> configs, Path baseDir, WorkspaceLoader loader, Clock clock) {
        this(configs, baseDir, loader, clock, RevisionArchive.inMemory());
    }

    public WorkspaceCatalog(Map<String, WorkspaceConfig> configs, Path baseDir, WorkspaceLoader loader, Clock clock,
            RevisionArchive archive) {
        this.configs = configs == null ? Map.of() : new LinkedHashMap<>(configs);
        this.baseDir = baseDir.toAbsolutePath().normalize();
        this.loader = loader;
        this.clock = clock;
        this.archive = archive;
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
            crossReferenceWarnings(workspaces);
            var snapshot = new CatalogSnapshot(workspaces, clock.instant());
            Loaded before = current.get();
            var deliveries = new LinkedHashMap<String, Delivery>();
            workspaces.forEach((name, ws) -> {
                Delivery kept = before == null ? null : before.deliveries().get(name);
                if (ws.files() == null) {
                    return;
                }
                if (kept != null && kept.revision().equals(ws.revision())) {
                    deliveries.put(name, kept);
                } else {
                    deliveries.put(name, store(ws));
                }
            });
            current.set(new Loaded(snapshot, fingerprint, deliveries));
            return snapshot;
        }
    }

    /** Steps referencing another workspace's action that does not exist (now) are warnings of their workspace. */
    private static void crossReferenceWarnings(Map<String, Workspace> workspaces) {
        workspaces.replaceAll((name, ws) -> {
            var warnings = new java.util.ArrayList<String>();
            for (Task task : ws.tasks().values()) {
                for (FlowStep step : task.flow().values()) {
                    if (!step.action().crossWorkspace()) {
                        continue;
                    }
                    Workspace owner = workspaces.get(step.action().ownerWorkspace());
                    String problem = owner == null ? "there is no workspace '" + step.action().ownerWorkspace() + "'"
                            : owner.action(step.action().ownerAction()).isEmpty()
                                    ? "workspace '" + owner.name() + "' has no action '" + step.action().ownerAction() + "'"
                                    : null;
                    if (problem != null) {
                        warnings.add(task.file() + ": " + task.name() + "/" + step.name() + ": step references action '"
                                + step.action().name() + "', but " + problem + "; its jobs cannot be created");
                    }
                }
            }
            return warnings.isEmpty() ? ws : ws.withWarnings(warnings);
        });
    }

    /**
     * Stores a new revision's archive and reads back the stored one: when another replica stored
     * this revision first, its bytes are the ones served.
     */
    private Delivery store(Workspace ws) {
        byte[] built = WorkspaceArchive.tarGz(ws.files());
        try {
            archive.save(ws.name(), ws.revision(), built);
            byte[] stored = archive.load(ws.name(), ws.revision()).orElse(built);
            archive.prune(ws.name(), ws.revision());
            return new Delivery(ws.name(), ws.revision(), stored);
        } catch (RuntimeException e) {
            // The database away for a moment: this replica serves what it built, which is the same
            // archive (it depends on the files alone); it is stored on the next change.
            LOG.warn("Workspace {} revision {} could not be stored: {}", ws.name(), ws.revision(), e.toString());
            return new Delivery(ws.name(), ws.revision(), built);
        }
    }

    /** The current revision's archive of a workspace, if it has one. */
    public Optional<Delivery> delivery(String workspace) {
        return Optional.ofNullable(current.get().deliveries().get(workspace));
    }

    /**
     * The archive of a given revision of a workspace: the current one, or an older one that is
     * still stored (a job created at it runs on it).
     */
    public Optional<Delivery> delivery(String workspace, String revision) {
        Delivery now = current.get().deliveries().get(workspace);
        if (now != null && now.revision().equals(revision)) {
            return Optional.of(now);
        }
        if (!configs.containsKey(workspace)) {
            return Optional.empty();
        }
        return archive.load(workspace, revision).map(bytes -> new Delivery(workspace, revision, bytes));
    }

    /**
     * A workspace's definitions at a given revision: the current ones when it is current (or when
     * {@code revision} is null: a job from before revisions were recorded), otherwise read from
     * that revision's stored archive. Empty when the workspace or revision is unknown.
     */
    public Optional<Workspace> workspace(String name, String revision) {
        var now = snapshot().workspace(name);
        if (revision == null || now.isEmpty() || revision.equals(now.get().revision())) {
            return now;
        }
        String key = name + '\u0000' + revision;
        synchronized (oldRevisions) {
            Workspace cached = oldRevisions.get(key);
            if (cached != null) {
                return Optional.of(cached);
            }
        }
        var stored = archive.load(name, revision);
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        WorkspaceFiles files;
        try {
            files = WorkspaceArchive.read(stored.get());
        } catch (java.io.IOException e) {
            throw new IllegalStateException("revision " + revision + " of workspace '" + name
                    + "' cannot be read: " + e.getMessage(), e);
        }
        Workspace loaded = loader.load(name, now.get().root(), files);
        synchronized (oldRevisions) {
            oldRevisions.put(key, loaded);
        }
        return Optional.of(loaded);
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

    /**
     * A digest of every file's path, size, modification time and mode (not content: cheap enough to
     * run every few seconds); any change in the folder gives a new one and so a new capture.
     */
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
            try (var walk = Files.walk(root)) {
                walk.filter(p -> !p.toString().contains("/.git/") && !p.endsWith(".git")).sorted().forEach(p -> {
                    String line;
                    try {
                        var attrs = Files.readAttributes(p, java.nio.file.attribute.PosixFileAttributes.class,
                                java.nio.file.LinkOption.NOFOLLOW_LINKS);
                        line = "\0" + p + "\0" + attrs.size() + "\0" + attrs.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS) + "\0"
                                + attrs.permissions() + (attrs.isSymbolicLink() ? "\0link" : "");
                    } catch (IOException | UnsupportedOperationException e) {
                        line = "\0" + p + "\0gone";
                    }
                    digest.update(line.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                });
            } catch (IOException | java.io.UncheckedIOException e) {
                // Missing or unreadable: part of the state, so its appearance later counts as a change.
                digest.update(("\0unreadable:" + e.getClass().getName()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
