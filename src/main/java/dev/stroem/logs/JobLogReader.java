package dev.stroem.logs;

import dev.stroem.storage.StorageException;
import dev.stroem.storage.ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a job's log wherever it is, in the specification's order: the local JSONL file, then the
 * legacy {@code .log} file (plain text, returned verbatim; having no step or stream it only
 * matches unfiltered reads), then the archive.
 *
 * <p>For a job in a terminal state with an archive configured and a local log, the answer is the
 * union of both, exact duplicates removed, ordered by {@code ts} ({@link LogSource#MERGED}),
 * because lines may have arrived after the archive was written or the local file may have been
 * lost and started again. When {@link JobLogRef#archivedBytes()} equals the local log's size the
 * archive holds nothing the local log lacks, and it is not read at all.
 *
 * <p>An unreachable or corrupt archive never fails a read: it degrades to the local content (or
 * to an empty log when there is none) with a WARN in the server log.
 */
public final class JobLogReader {

    private static final Logger log = LoggerFactory.getLogger(JobLogReader.class);

    /**
     * Where and how merged reads sort when the inputs are not already in order.
     *
     * @param spillDir            directory for temporary run files
     * @param spillThresholdBytes lines held in memory before a sorted run is written to disk
     */
    public record MergeSettings(Path spillDir, long spillThresholdBytes) {
        public MergeSettings {
            Objects.requireNonNull(spillDir, "spillDir");
            if (spillThresholdBytes < 1) {
                throw new IllegalArgumentException("spillThresholdBytes must be positive");
            }
        }

        /** Runs in {@code java.io.tmpdir}, 32 MiB of lines in memory at most. */
        public static MergeSettings defaults() {
            return new MergeSettings(Path.of(System.getProperty("java.io.tmpdir")), 32L << 20);
        }
    }

    private final LocalLogStore store;
    private final ObjectStore archive;
    private final String prefix;
    private final MergeSettings merge;
    private final LocalLogSync sync;

    /** A reader without archive: local and legacy files only. */
    public JobLogReader(LocalLogStore store) {
        this(store, null, "", MergeSettings.defaults());
    }

    /**
     * @param archive the configured archive, or null when none is configured
     * @param prefix  the archive key prefix
     */
    public JobLogReader(LocalLogStore store, ObjectStore archive, String prefix, MergeSettings merge) {
        this(store, archive, prefix, merge, LocalLogSync.NONE);
    }

    /**
     * @param sync brings the local copy up to date before each read (replicas); {@link LocalLogSync#NONE} on one node
     */
    public JobLogReader(LocalLogStore store, ObjectStore archive, String prefix, MergeSettings merge, LocalLogSync sync) {
        this.sync = Objects.requireNonNull(sync, "sync");
        this.store = Objects.requireNonNull(store, "store");
        this.archive = archive;
        this.prefix = ArchiveKey.checkPrefix(prefix);
        this.merge = Objects.requireNonNull(merge, "merge");
    }

    /**
     * The lines of the job's log that {@code query} selects, and their source. Indexes and
     * {@code nextOffset} refer to positions in that source. Close the result.
     *
     * @throws IllegalArgumentException for an unsafe job id, workspace or task name
     */
    public JobLogRead read(JobLogRef ref, LogQuery query) {
        String jobId = SafeName.require("job id", ref.jobId());
        Objects.requireNonNull(query, "query");
        sync.catchUp(jobId);
        if (store.exists(jobId)) {
            if (archive == null || !ref.terminal() || sync.localCopyIsWholeLog()) {
                return local(jobId, query);
            }
            if (ref.archivedBytes() != null && ref.archivedBytes() == store.size(jobId)) {
                return local(jobId, query);
            }
            return mergedOrLocal(ref, query);
        }
        JobLogRead legacy = legacy(jobId, query);
        if (legacy != null) {
            return legacy;
        }
        if (archive != null) {
            if (ref.archivedLines() != null && query.offset() >= ref.archivedLines()) {
                // Past the end the archive record counts: nothing to decompress for (a resume at the end).
                return new JobLogRead(LogSource.ARCHIVE, none(query).cursor());
            }
            return archiveOnly(ref, query);
        }
        return none(query);
    }

    /**
     * The number of lines a read of the whole log returns. Counted from the local log's index, or
     * taken from the archive record for a log only the archive holds; read only when neither knows.
     */
    public long lineCount(JobLogRef ref) {
        String jobId = SafeName.require("job id", ref.jobId());
        sync.catchUp(jobId);
        boolean local = store.exists(jobId);
        if (local && (archive == null || !ref.terminal() || sync.localCopyIsWholeLog()
                || (ref.archivedBytes() != null && ref.archivedBytes() == store.size(jobId)))) {
            return store.lineCount(jobId);
        }
        if (!local && ref.archivedLines() != null && !Files.exists(store.legacyPath(jobId))) {
            return ref.archivedLines();
        }
        try (JobLogRead all = read(ref, LogQuery.all().withTail(0))) {
            all.cursor().hasNext();
            return all.cursor().nextOffset();
        }
    }

    private JobLogRead local(String jobId, LogQuery query) {
        return new JobLogRead(LogSource.LOCAL, store.read(jobId, query));
    }

    private JobLogRead legacy(String jobId, LogQuery query) {
        Path file = store.legacyPath(jobId);
        try {
            InputStream in = Files.newInputStream(file);
            LineSource lines = new LineInput(in, Long.MAX_VALUE, true);
            return new JobLogRead(LogSource.LOCAL, SequentialQuery.open(lines, query, LineFilter.of(query, store.codec()), false));
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the legacy log " + file + ": " + e.getMessage(), e);
        }
    }

    private JobLogRead archiveOnly(JobLogRef ref, LogQuery query) {
        String key = ref.archiveKeyFor(prefix);
        try {
            Optional<LineSource> lines = openArchive(key);
            if (lines.isEmpty()) {
                return none(query);
            }
            LineSource tolerant = new TolerantSource(lines.get(), key);
            return new JobLogRead(LogSource.ARCHIVE,
                    SequentialQuery.open(tolerant, query, LineFilter.of(query, store.codec()), true));
        } catch (StorageException e) {
            log.warn("Archived log {} of job {} cannot be read ({}); the job has no local log, so it reads as empty",
                    key, ref.jobId(), e.getMessage());
            return none(query);
        }
    }

    /**
     * The union of the job's local log and its already archived log, for an upload that must not
     * lose what only the archive still holds (the local file was deleted and re-created by a late
     * line). Strict, unlike {@link #read}: an archive that cannot be read throws rather than
     * degrading, because uploading the local lines alone would overwrite the archived ones.
     *
     * @return empty when nothing is archived yet (or no archive is configured)
     * @throws StorageException when the archived log exists but cannot be read
     */
    public Optional<JobLogRead> unionWithArchive(JobLogRef ref) {
        if (archive == null || !store.exists(ref.jobId())) {
            return Optional.empty();
        }
        return Optional.ofNullable(merged(ref, LogQuery.all(), true));
    }

    private JobLogRead mergedOrLocal(JobLogRef ref, LogQuery query) {
        JobLogRead merged = merged(ref, query, false);
        return merged != null ? merged : local(ref.jobId(), query);
    }

    /** The merged read, or null when there is no archived log; {@code strict} rethrows archive failures. */
    private JobLogRead merged(JobLogRef ref, LogQuery query, boolean strict) {
        String key = ref.archiveKeyFor(prefix);
        String jobId = ref.jobId();
        LineSource merged;
        try {
            Optional<LineSource> first = openArchive(key);
            if (first.isEmpty()) {
                if (ref.archivedBytes() != null && !strict) {
                    log.warn("Archived log {} of job {} is missing; reading the local log only", key, jobId);
                }
                return null;
            }
            LineSource[] pending = {first.get()};
            MergedLog.Opener archiveLines = () -> {
                LineSource s = pending[0];
                pending[0] = null;
                return s != null ? s : openArchive(key).orElseThrow(() -> new StorageException("archived log " + key + " disappeared"));
            };
            try {
                merged = MergedLog.open(archiveLines, () -> store.openLines(jobId), store.codec(),
                        merge.spillDir(), merge.spillThresholdBytes(), strict);
            } finally {
                if (pending[0] != null) {
                    pending[0].close();
                }
            }
        } catch (StorageException e) {
            if (strict) {
                throw e;
            }
            log.warn("Archived log {} of job {} cannot be read ({}); reading the local log only", key, jobId, e.getMessage());
            return local(jobId, query);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot merge the logs of job " + jobId + ": " + e.getMessage(), e);
        }
        return new JobLogRead(LogSource.MERGED, SequentialQuery.open(merged, query, LineFilter.of(query, store.codec()), true));
    }

    /** The decompressed lines of the archived object, or empty when there is none. */
    private Optional<LineSource> openArchive(String key) {
        Optional<InputStream> in = archive.open(key);
        if (in.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new ArchiveLines(new GZIPInputStream(in.get(), 64 * 1024), key));
        } catch (IOException e) {
            try {
                in.get().close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new StorageException("archived log " + key + " is not gzip: " + e.getMessage(), e);
        }
    }

    private static JobLogRead none(LogQuery query) {
        ByteWindow window = query.tailBytes() == null ? null : new ByteWindow(0, 0, false);
        return new JobLogRead(LogSource.NONE, new BufferedCursor(new ArrayDeque<>(), query.offset(), window));
    }

    /** Archive lines whose read failures surface as {@link StorageException}. */
    private static final class ArchiveLines implements LineSource {
        private final LineInput lines;
        private final String key;

        ArchiveLines(InputStream gunzipped, String key) {
            this.lines = new LineInput(gunzipped, Long.MAX_VALUE, true);
            this.key = key;
        }

        @Override
        public boolean next() {
            try {
                return lines.next();
            } catch (IOException e) {
                throw new StorageException("archived log " + key + " is damaged: " + e.getMessage(), e);
            }
        }

        @Override
        public byte[] buffer() {
            return lines.buffer();
        }

        @Override
        public int offset() {
            return lines.offset();
        }

        @Override
        public int length() {
            return lines.length();
        }

        @Override
        public void close() throws IOException {
            lines.close();
        }
    }

    /** Ends the read, with a WARN, where the archive turns out damaged part way through. */
    private static final class TolerantSource implements LineSource {
        private final LineSource inner;
        private final String key;

        TolerantSource(LineSource inner, String key) {
            this.inner = inner;
            this.key = key;
        }

        @Override
        public boolean next() throws IOException {
            try {
                return inner.next();
            } catch (StorageException e) {
                log.warn("Archived log {} is damaged; returning the lines before the damage: {}", key, e.getMessage());
                return false;
            }
        }

        @Override
        public byte[] buffer() {
            return inner.buffer();
        }

        @Override
        public int offset() {
            return inner.offset();
        }

        @Override
        public int length() {
            return inner.length();
        }

        @Override
        public void close() throws IOException {
            inner.close();
        }
    }
}
