package dev.stroem.worker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Workspace revisions as the server delivers them ({@code GET /worker/workspace/{ws}.tar.gz}),
 * unpacked once each under {@code workspace_cache_dir} as {@code {ws}/{revision}/} and copied
 * from there into each step's checkout. A revision is immutable, so a step pinned to one that is
 * here needs no request at all; for the current revision the worker asks with
 * {@code If-None-Match} and a 304 reuses what it has.
 *
 * <p>Bounded: per workspace, the newest revision and {@code retained} others (least recently used
 * go first) are kept; a revision a step is being given is never removed. A server that has no
 * files to deliver (404: an older server, or the original's for an unknown workspace) gets steps
 * an empty checkout, as before workspaces were delivered.
 */
final class WorkspaceCache {

    /** Fetches an archive: {@link WorkerApiClient#downloadWorkspace}. */
    @FunctionalInterface
    interface Source {
        WorkspaceDownload download(String workspace, String revision, String knownRevision, Path into)
                throws InterruptedException;
    }

    /**
     * A revision handed to a step: its files stay until the lease is closed.
     *
     * @param files the unpacked revision, or null for an empty checkout
     * @param revision the revision, or null when the server delivers none
     */
    record Lease(Path files, String revision, Runnable release) implements AutoCloseable {
        @Override
        public void close() {
            release.run();
        }
    }

    private static final Logger log = LoggerFactory.getLogger(WorkspaceCache.class);
    private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final String TEMP_PREFIX = ".tmp-";
    private static final String CURRENT_FILE = ".current";

    private final Path dir;
    private final int retained;
    private final Source source;
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    private final Map<Path, Integer> inUse = new ConcurrentHashMap<>();
    private final Set<String> reportedEmpty = ConcurrentHashMap.newKeySet();

    /**
     * @param dir the cache folder (created when missing)
     * @param retained how many revisions of a workspace are kept besides the newest
     */
    WorkspaceCache(Path dir, int retained, Source source) {
        this.dir = dir;
        this.retained = retained;
        this.source = source;
    }

    /**
     * At start: removes what an interrupted download left behind and the revisions beyond the
     * bound, keeping the most recently used.
     */
    void clean() throws IOException {
        Files.createDirectories(dir);
        try (DirectoryStream<Path> workspaces = Files.newDirectoryStream(dir, Files::isDirectory)) {
            for (Path ws : workspaces) {
                synchronized (lock(ws.getFileName().toString())) {
                    try (DirectoryStream<Path> temps = Files.newDirectoryStream(ws, TEMP_PREFIX + "*")) {
                        for (Path temp : temps) {
                            StepProcess.deleteTree(temp);
                        }
                    }
                    evict(ws);
                }
            }
        }
    }

    /**
     * The files of {@code workspace} at {@code revision} (null: its current revision), downloaded
     * when not here yet. The caller closes the lease once it has copied the files.
     *
     * @throws IOException when the archive cannot be stored or unpacked, or the server has no
     *     such revision
     * @throws WorkerApiException when the server cannot be reached or refuses
     */
    Lease checkout(String workspace, String revision) throws IOException, InterruptedException {
        if (workspace == null || workspace.isEmpty()) {
            return emptyCheckout(null);
        }
        String key = safeName(workspace);
        synchronized (lock(key)) {
            Path wsDir = Files.createDirectories(dir.resolve(key));
            Path revDir = revision == null ? null : wsDir.resolve(safeName(revision));
            if (revDir != null && Files.isDirectory(revDir)) {
                return lease(revDir, revision);
            }
            String known = revision == null ? knownCurrent(wsDir) : null;
            Path archive = Files.createTempFile(wsDir, TEMP_PREFIX, ".tar.gz");
            try {
                WorkspaceDownload answer = source.download(workspace, revision, known, archive);
                switch (answer.status()) {
                    case 304 -> {
                        if (known == null) {
                            throw new IOException("the server answered 304 Not Modified to a request without If-None-Match");
                        }
                        return lease(wsDir.resolve(safeName(known)), known);
                    }
                    case 404 -> {
                        if (revision != null) {
                            throw new IOException("the server has no revision " + revision + " of workspace '"
                                    + workspace + "'");
                        }
                        return emptyCheckout(workspace);
                    }
                    default -> {
                        String delivered = revision != null ? revision
                                : answer.revision() != null ? answer.revision() : "sha256-" + sha256(archive);
                        Path target = wsDir.resolve(safeName(delivered));
                        if (!Files.isDirectory(target)) {
                            install(archive, wsDir, target);
                        }
                        if (revision == null) {
                            Files.writeString(wsDir.resolve(CURRENT_FILE), delivered, StandardCharsets.UTF_8);
                        }
                        Lease lease = lease(target, delivered);
                        evict(wsDir);
                        return lease;
                    }
                }
            } finally {
                Files.deleteIfExists(archive);
            }
        }
    }

    private void install(Path archive, Path wsDir, Path target) throws IOException {
        Path unpacking = Files.createTempDirectory(wsDir, TEMP_PREFIX);
        try {
            WorkspaceUnpacker.unpack(archive, unpacking);
            // Whole or not at all: a step never finds half a revision.
            try {
                Files.move(unpacking, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
                // Another worker sharing this cache unpacked it first: the same files.
                if (!Files.isDirectory(target)) {
                    throw e;
                }
            }
        } finally {
            StepProcess.deleteTree(unpacking);
        }
    }

    private Lease emptyCheckout(String workspace) {
        if (workspace != null && reportedEmpty.add(workspace)) {
            log.info("The server delivers no files for workspace '{}' (404); its steps run in an empty checkout",
                    workspace);
        }
        return new Lease(null, null, () -> { });
    }

    private Lease lease(Path revDir, String revision) throws IOException {
        inUse.merge(revDir, 1, Integer::sum);
        // The folder's time is its last use: what the cleaning at start goes by.
        Files.setLastModifiedTime(revDir, FileTime.from(Instant.now()));
        var released = new java.util.concurrent.atomic.AtomicBoolean();
        return new Lease(revDir, revision, () -> {
            if (released.compareAndSet(false, true)) {
                inUse.computeIfPresent(revDir, (k, n) -> n == 1 ? null : n - 1);
            }
        });
    }

    private String knownCurrent(Path wsDir) throws IOException {
        Path file = wsDir.resolve(CURRENT_FILE);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        String known = Files.readString(file, StandardCharsets.UTF_8).strip();
        return !known.isEmpty() && Files.isDirectory(wsDir.resolve(safeName(known))) ? known : null;
    }

    /** Keeps the current revision, those in use and the {@code retained} most recently used others. */
    private void evict(Path wsDir) throws IOException {
        String current = knownCurrent(wsDir);
        Path currentDir = current == null ? null : wsDir.resolve(safeName(current));
        var candidates = new ArrayList<Path>();
        try (DirectoryStream<Path> revisions = Files.newDirectoryStream(wsDir,
                p -> Files.isDirectory(p) && !p.getFileName().toString().startsWith("."))) {
            for (Path rev : revisions) {
                if (!rev.equals(currentDir) && !inUse.containsKey(rev)) {
                    candidates.add(rev);
                }
            }
        }
        candidates.sort(Comparator.comparing(WorkspaceCache::lastUsed).reversed());
        List<Path> old = candidates.size() > retained ? candidates.subList(retained, candidates.size()) : List.of();
        for (Path rev : old) {
            log.debug("Removing workspace revision {} from the cache", rev);
            StepProcess.deleteTree(rev);
        }
    }

    private static FileTime lastUsed(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    private Object lock(String key) {
        return locks.computeIfAbsent(key, k -> new Object());
    }

    /** A folder name for a workspace or revision: as is when plain, else a hash of it (never ".." or "a/b"). */
    static String safeName(String name) {
        return PLAIN_NAME.matcher(name).matches() ? name : "h-" + sha256(name.getBytes(StandardCharsets.UTF_8));
    }

    private static String sha256(Path file) throws IOException {
        return sha256(Files.readAllBytes(file));
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
