package dev.stroem.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stroem.storage.ObjectStore;
import dev.stroem.storage.StorageException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Task state and global (workspace) state: snapshots, each a gzip tarball in the state store at
 * {@code {prefix}{workspace}/{task or _global}/{snapshot_id}.tar.gz}, with the structured state as
 * JSON beside it. A snapshot's object is written whole (and checked) before its row is recorded,
 * so readers of the latest snapshot see the old one or the new one, never half of either; every
 * write makes a new object, so concurrent writers never share one. Only the newest
 * {@code max_snapshots} of a scope are kept.
 */
public final class TaskStates {
    private static final Logger log = LoggerFactory.getLogger(TaskStates.class);
    /** The original's limit of a snapshot (and of an upload). */
    public static final long MAX_SNAPSHOT_BYTES = 50L * 1024 * 1024;
    /** The task name of global state. */
    public static final String GLOBAL = "";
    /** The largest structured state kept (a snapshot's {@code state.json}): templates read it at every claim. */
    public static final int MAX_STATE_JSON_BYTES = 1 << 20;
    static final String STATE_FILE = "state.json";

    /** Where snapshots go, from {@code state_storage}; {@code store} is null when no backend exists. */
    public record Settings(ObjectStore store, String keyPrefix, int maxSnapshots) {}

    /** How an operator's upload combines with the latest snapshot. */
    public enum Mode { REPLACE, MERGE }

    private final SnapshotStore rows;
    private final Settings settings;
    private final ObjectMapper json;
    private final Clock clock;

    public TaskStates(SnapshotStore rows, Settings settings, ObjectMapper json, Clock clock) {
        this.rows = rows;
        this.settings = settings;
        this.json = json;
        this.clock = clock;
    }

    public Optional<Snapshot> latest(String workspace, String task) {
        return rows.latest(workspace, task);
    }

    /**
     * The latest snapshot's structured state, as templates see it ({@code state.*}); empty when
     * the scope has no snapshot or its snapshot has no values.
     */
    public Optional<Map<String, Object>> latestValues(String workspace, String task) {
        return rows.latest(workspace, task).flatMap(s -> Optional.ofNullable(values(s)));
    }

    /** A snapshot's structured state, as templates see it; null when it has none. */
    public Map<String, Object> values(Snapshot snapshot) {
        String json = snapshot.stateJson();
        return json == null || json.isBlank() ? null : readObject(json);
    }

    /** The latest snapshot of a scope with its tarball open; the caller closes the stream. */
    public record Opened(Snapshot snapshot, InputStream tarGz) {}

    /**
     * The latest snapshot, opened. A writer may prune the snapshot just read as latest before it is
     * opened (two newer ones arrived meanwhile): then the latest is looked up again.
     */
    public Optional<Opened> openLatest(String workspace, String task) {
        for (int attempt = 0; attempt < 5; attempt++) {
            var latest = rows.latest(workspace, task);
            if (latest.isEmpty()) {
                return Optional.empty();
            }
            try {
                var in = store().open(latest.get().storageKey());
                if (in.isPresent()) {
                    return Optional.of(new Opened(latest.get(), in.get()));
                }
            } catch (StorageException e) {
                throw unavailable(e);
            }
        }
        throw new StateException(StateException.Kind.UNAVAILABLE, "the latest state snapshot of " + workspace + "/"
                + (task.isEmpty() ? "(global)" : task) + " kept being replaced while it was read; try again");
    }

    /** The snapshot's tarball; the caller closes it. */
    public InputStream open(Snapshot snapshot) {
        try {
            return store().open(snapshot.storageKey()).orElseThrow(() -> new StateException(StateException.Kind.UNAVAILABLE,
                    "the state snapshot " + snapshot.snapshotId() + " is missing from the state store"));
        } catch (StorageException e) {
            throw unavailable(e);
        }
    }

    /**
     * A worker's new snapshot: {@code tarGz} stored as it is (streamed, at most 50 MB, a gzip stream
     * or empty), {@code stateJson} (a JSON object, or null) beside it. Returns the recorded snapshot.
     */
    public Snapshot write(String workspace, String task, String jobId, InputStream tarGz, String stateJson) {
        return write(workspace, task, jobId, null, tarGz, stateJson).snapshot();
    }

    /**
     * As {@link #write(String, String, String, String, InputStream, String)}, with the structured
     * state as the tarball's first entry, a root {@code state.json}, rather than beside it: how a
     * worker sends state too big for a request header. The tarball is stored as sent.
     */
    public Written writeWithStateInside(String workspace, String task, String jobId, String snapshotId, InputStream tarGz) {
        var split = LeadingStateFile.read(tarGz, MAX_STATE_JSON_BYTES);
        return write(workspace, task, jobId, snapshotId, split.snapshot(), split.stateJson());
    }

    /** A written snapshot; {@code created} false: one with the same id was written before (a retry). */
    public record Written(Snapshot snapshot, boolean created) {}

    /**
     * As {@link #write(String, String, String, InputStream, String)}, under the id the writer chose
     * ({@code snapshotId}; null: a new one): writing the same id again (a retry whose answer was
     * lost) stores nothing and answers the snapshot written first, so a retry never makes two.
     */
    public Written write(String workspace, String task, String jobId, String snapshotId, InputStream tarGz,
            String stateJson) {
        if (snapshotId != null) {
            var earlier = rows.find(snapshotId);
            if (earlier.isPresent()) {
                return new Written(sameScope(earlier.get(), workspace, task), false);
            }
        }
        String state = stateJson == null || stateJson.isBlank() ? null : objectJson(stateJson);
        String id = snapshotId != null ? snapshotId : UUID.randomUUID().toString();
        try {
            return new Written(record(id, workspace, task, jobId, state, out -> {
            var in = new PushbackInputStream(limited(tarGz), 2);
            byte[] magic = in.readNBytes(2);
            if (magic.length > 0 && (magic.length < 2 || (magic[0] & 0xff) != 0x1f || (magic[1] & 0xff) != 0x8b)) {
                throw new StateException(StateException.Kind.BAD_REQUEST, "a state snapshot is a gzip tarball (.tar.gz)");
            }
            in.unread(magic);
            in.transferTo(out);
        }), true);
        } catch (RuntimeException e) {
            // Two tries of one id at once: the second insert fails on the key; the first one stands.
            var first = snapshotId == null ? Optional.<Snapshot>empty() : rows.find(snapshotId);
            if (first.isPresent()) {
                return new Written(sameScope(first.get(), workspace, task), false);
            }
            throw e;
        }
    }

    private static Snapshot sameScope(Snapshot s, String workspace, String task) {
        if (!s.workspace().equals(workspace) || !s.taskName().equals(task)) {
            throw new StateException(StateException.Kind.BAD_REQUEST, "snapshot id " + s.snapshotId()
                    + " belongs to another task's state");
        }
        return s;
    }

    /**
     * An operator's upload ({@code stroem state upload}): the new snapshot holds the uploaded
     * tarball's files (replace) or those over the latest snapshot's (merge), and a {@code state.json}
     * of the given values (merge: over the latest state). A root {@code state.json} in the upload is
     * refused: state values come as parameters.
     */
    public Snapshot upload(String workspace, String task, String jobId, Mode mode, Map<String, String> values,
            InputStream tarGz) {
        var previous = mode == Mode.MERGE ? rows.latest(workspace, task) : Optional.<Snapshot>empty();
        var state = new LinkedHashMap<String, Object>();
        previous.map(Snapshot::stateJson).filter(s -> s != null).ifPresent(s -> state.putAll(readObject(s)));
        state.putAll(values);
        String stateJson = write(state);
        return record(UUID.randomUUID().toString(), workspace, task, jobId, stateJson, out -> {
            var gz = new GzipCompressorOutputStream(out);
            var tar = new TarArchiveOutputStream(gz, StandardCharsets.UTF_8.name());
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            Set<String> names = new HashSet<>();
            var body = new PushbackInputStream(limited(tarGz), 1);
            int first = body.read();
            if (first != -1) {
                body.unread(first);
                try {
                    copyEntries(new TarArchiveInputStream(new GzipCompressorInputStream(body)), tar, names, true);
                } catch (IOException e) {
                    throw new StateException(StateException.Kind.BAD_REQUEST, "the upload is not a readable gzip tarball ("
                            + e.getMessage() + ")");
                }
            }
            if (previous.isPresent()) {
                try (var old = open(previous.get())) {
                    var oldBody = new PushbackInputStream(old, 1);
                    int b = oldBody.read();
                    if (b != -1) {
                        oldBody.unread(b);
                        copyEntries(new TarArchiveInputStream(new GzipCompressorInputStream(oldBody)), tar, names, false);
                    }
                }
            }
            byte[] stateBytes = stateJson.getBytes(StandardCharsets.UTF_8);
            var entry = new TarArchiveEntry(STATE_FILE);
            entry.setSize(stateBytes.length);
            entry.setModTime(clock.millis());
            tar.putArchiveEntry(entry);
            tar.write(stateBytes);
            tar.closeArchiveEntry();
            tar.finish();
            gz.finish();
        });
    }

    /** Copies the entries of {@code in} not yet in {@code names}; the upload's own root state.json is refused. */
    private static void copyEntries(TarArchiveInputStream in, TarArchiveOutputStream out, Set<String> names, boolean upload)
            throws IOException {
        TarArchiveEntry entry;
        while ((entry = in.getNextEntry()) != null) {
            String name = entry.getName();
            while (name.startsWith("./")) {
                name = name.substring(2);
            }
            if (name.isEmpty() || name.equals(".")) {
                continue;
            }
            String plain = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
            if (plain.startsWith("/") || List.of(plain.split("/")).contains("..")) {
                throw new StateException(StateException.Kind.BAD_REQUEST, "the tarball's entry \"" + name
                        + "\" would land outside the state folder");
            }
            if (plain.equals(STATE_FILE)) {
                if (upload) {
                    throw new StateException(StateException.Kind.BAD_REQUEST, "the tarball must not hold a root-level "
                            + "state.json: pass state values as parameters (--state KEY=VALUE)");
                }
                continue;
            }
            if (!entry.isFile() && !entry.isDirectory()) {
                continue; // links and devices have no place in state
            }
            if (!names.add(plain)) {
                continue;
            }
            var copy = new TarArchiveEntry(name);
            copy.setSize(entry.isDirectory() ? 0 : entry.getSize());
            copy.setMode(entry.getMode());
            copy.setModTime(entry.getModTime());
            out.putArchiveEntry(copy);
            if (entry.isFile()) {
                in.transferTo(out);
            }
            out.closeArchiveEntry();
        }
    }

    private interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Writes the object whole, then records the row, then prunes the scope. */
    private Snapshot record(String id, String workspace, String task, String jobId, String stateJson, Content content) {
        String key = settings.keyPrefix() + workspace + "/" + (task.isEmpty() ? "_global" : task) + "/" + id + ".tar.gz";
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        long[] size = {0};
        try {
            store().put(key, out -> {
                var counting = new OutputStream() {
                    @Override
                    public void write(int b) throws IOException {
                        out.write(b);
                        size[0]++;
                    }

                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        out.write(b, off, len);
                        size[0] += len;
                    }
                };
                var digesting = new DigestOutputStream(counting, sha);
                content.writeTo(digesting);
                digesting.flush();
            });
        } catch (StateException e) {
            throw e;
        } catch (StorageException e) {
            throw unavailable(e);
        } catch (UncheckedIOException e) {
            throw new StateException(StateException.Kind.BAD_REQUEST, "the snapshot could not be read: "
                    + e.getCause().getMessage());
        }
        var snapshot = new Snapshot(id, workspace, task, jobId, key, size[0], HexFormat.of().formatHex(sha.digest()),
                stateJson, clock.instant());
        rows.insert(snapshot);
        prune(workspace, task);
        return snapshot;
    }

    private void prune(String workspace, String task) {
        for (Snapshot old : rows.beyond(workspace, task, settings.maxSnapshots())) {
            try {
                store().delete(old.storageKey());
                rows.delete(old.snapshotId());
            } catch (StorageException e) {
                log.warn("state of {}/{}: snapshot {} could not be pruned ({}); the next write tries again", workspace,
                        task.isEmpty() ? "(global)" : task, old.snapshotId(), e.getMessage());
                return;
            }
        }
    }

    private InputStream limited(InputStream in) {
        return new FilterInputStream(in) {
            private long read;

            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b != -1) {
                    count(1);
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n > 0) {
                    count(n);
                }
                return n;
            }

            private void count(long n) {
                read += n;
                if (read > MAX_SNAPSHOT_BYTES) {
                    throw new StateException(StateException.Kind.TOO_LARGE, "a state snapshot is at most "
                            + MAX_SNAPSHOT_BYTES + " bytes (50 MB)");
                }
            }
        };
    }

    private ObjectStore store() {
        if (settings.store() == null) {
            throw new StateException(StateException.Kind.DISABLED, "this server keeps no state: configure "
                    + "state_storage.archive or log_storage.archive");
        }
        return settings.store();
    }

    private String objectJson(String text) {
        return write(readObject(text));
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> readObject(String text) {
        try {
            Object value = json.readValue(text, Object.class);
            if (!(value instanceof Map)) {
                throw new StateException(StateException.Kind.BAD_REQUEST, "state: expected a JSON object");
            }
            return (Map<String, Object>) value;
        } catch (JsonProcessingException e) {
            throw new StateException(StateException.Kind.BAD_REQUEST, "state: not valid JSON (" + e.getOriginalMessage() + ")");
        }
    }

    private String write(Map<String, Object> state) {
        try {
            return json.writeValueAsString(state);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static StateException unavailable(StorageException e) {
        return new StateException(StateException.Kind.UNAVAILABLE, "the state store is unavailable: " + e.getMessage());
    }
}
