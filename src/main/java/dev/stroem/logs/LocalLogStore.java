package dev.stroem.logs;

import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live log files of jobs: {@code {local_dir}/{job_id}.jsonl}, one JSON object per line
 * (see {@link JsonlCodec}). Thread-safe; one instance per {@code local_dir} and process.
 *
 * <h2>Writing</h2>
 * {@link #append} normalizes the lines ({@link LineNormalizer}: ms timestamps, valid UTF-8, lines
 * over 64 KiB split), encodes the whole batch and writes it with one positional write to the
 * file while holding the job's lock: concurrent appends to a job never interleave inside a line,
 * and every line has a global 0-based index, its line number in the file.
 *
 * <h2>Durability</h2>
 * There is no user-space buffer: when {@code append} returns, the bytes are in the kernel, so
 * they are readable at once and survive a kill of the process. {@link #close(String)} (called
 * when a job ends) fsyncs the file, so from then on it also survives a power loss. Between the
 * two, an OS crash can lose recent lines. A line cut short by a crash (no trailing newline) is
 * removed when the file is next opened, so appends continue on a line boundary.
 *
 * <h2>Retries</h2>
 * A batch sent with a {@code batchId} is written at most once, also across a restart between the
 * write and the answer: see {@link BatchLedger}. A batch the process died in the middle of
 * writing is removed as a whole on the next open, then written whole by the retry.
 *
 * <h2>Resources</h2>
 * At most {@link Options#maxOpenFiles()} write handles are open at once (least recently used
 * closed first), whatever the number of jobs; per-job state (line count, a sparse index of one
 * offset per {@link Options#indexInterval()} lines, recent batch ids) is kept for at most about
 * {@link Options#maxTrackedJobs()} jobs. The sparse index of a large file is saved beside it as
 * {@code {job_id}.idx} when the job is closed, so reopening it does not recount its lines.
 */
public final class LocalLogStore implements LogAppender, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalLogStore.class);
    private static final int MAX_BATCH_ID = 256;
    private static final long SAVE_INDEX_FROM_BYTES = 1 << 20;

    /**
     * Tuning of a store.
     *
     * @param maxOpenFiles   write handles kept open at most (file descriptor budget)
     * @param indexInterval  lines between two entries of the sparse line index
     * @param batchWindow    recent batch ids per job recognised as retries
     * @param maxTrackedJobs per-job states kept in memory before idle ones are dropped
     */
    public record Options(int maxOpenFiles, int indexInterval, int batchWindow, int maxTrackedJobs) {

        public Options {
            if (maxOpenFiles < 1 || indexInterval < 1 || batchWindow < 1 || maxTrackedJobs < maxOpenFiles) {
                throw new IllegalArgumentException("invalid log store options: maxOpenFiles=" + maxOpenFiles
                        + ", indexInterval=" + indexInterval + ", batchWindow=" + batchWindow
                        + ", maxTrackedJobs=" + maxTrackedJobs + " (all positive, maxTrackedJobs >= maxOpenFiles)");
            }
        }

        /**
         * 256 open files, an index entry every 1024 lines, 1,000 batch ids per job (the
         * {@code .batches} sidecar holds at most twice that), 4096 tracked jobs.
         */
        public static Options defaults() {
            return new Options(256, 1024, 1_000, 4096);
        }

        public Options withBatchWindow(int n) {
            return new Options(maxOpenFiles, indexInterval, n, maxTrackedJobs);
        }

        public Options withMaxOpenFiles(int n) {
            return new Options(n, indexInterval, batchWindow, Math.max(maxTrackedJobs, n));
        }

        public Options withIndexInterval(int n) {
            return new Options(maxOpenFiles, n, batchWindow, maxTrackedJobs);
        }
    }

    private final Path dir;
    private final Options options;
    private final JsonlCodec codec;
    private final LineNormalizer normalizer = new LineNormalizer();
    private final HandleCache handles;
    private final LocalLogReader reader;
    private final ConcurrentHashMap<String, JobLogFile> jobs = new ConcurrentHashMap<>();
    private final List<LogAppendListener> listeners = new CopyOnWriteArrayList<>();

    /** A store on {@code localDir} with {@link Options#defaults()}; creates the directory when missing. */
    public LocalLogStore(Path localDir) {
        this(localDir, Options.defaults(), new JsonlCodec());
    }

    /** A store on {@code localDir}; creates the directory when missing. */
    public LocalLogStore(Path localDir, Options options, JsonlCodec codec) {
        this.dir = localDir.toAbsolutePath().normalize();
        this.options = Objects.requireNonNull(options, "options");
        this.codec = Objects.requireNonNull(codec, "codec");
        this.handles = new HandleCache(options.maxOpenFiles());
        this.reader = new LocalLogReader(codec);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the log directory " + dir, e);
        }
    }

    /** The {@code local_dir} this store writes to. */
    public Path directory() {
        return dir;
    }

    /** The codec the store encodes with. */
    public JsonlCodec codec() {
        return codec;
    }

    /** {@code {local_dir}/{job_id}.jsonl}. */
    public Path jsonlPath(String jobId) {
        return dir.resolve(SafeName.require("job id", jobId) + ".jsonl");
    }

    /** {@code {local_dir}/{job_id}.log}: the legacy plain-text log, read but never written. */
    public Path legacyPath(String jobId) {
        return dir.resolve(SafeName.require("job id", jobId) + ".log");
    }

    /** Registers a listener told about every non-duplicate batch (see {@link LogAppendListener}). */
    public void addListener(LogAppendListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    public void removeListener(LogAppendListener listener) {
        listeners.remove(listener);
    }

    /** {@link #append(String, String, List)} without a batch id (no retry detection). */
    public AppendResult append(String jobId, List<LogLine> lines) {
        return append(jobId, null, lines);
    }

    /**
     * Appends a batch of lines to the job's log, atomically with respect to other appends.
     *
     * @param jobId   the job; must pass {@link SafeName}
     * @param batchId the producer's id for this batch, so a retry is recognised and not written
     *                again; null when the caller does not retry (at most 256 characters)
     * @param lines   the lines, in order; every step name must pass {@link SafeName}
     * @return where the lines went, or the original write's position when this is a retry
     * @throws IllegalArgumentException for an unsafe job id or step name or a bad batch id; nothing is written
     * @throws UncheckedIOException     when the file cannot be written; nothing of the batch stays in the file
     */
    @Override
    public AppendResult append(String jobId, String batchId, List<LogLine> lines) {
        checkBatch(jobId, batchId, lines);
        List<LogLine> stored = normalizer.normalize(lines);
        JsonlCodec.Encoded encoded = codec.encodeBatch(stored, true);
        byte[] bytes = encoded.buffer();
        int length = encoded.length();
        byte[] hash = batchId == null ? null : sha256(bytes, 0, length);

        if (stored.isEmpty() && batchId == null) {
            return new AppendResult(lineCount(jobId), 0, false);
        }
        JobLogFile job = pin(jobId);
        try {
            job.lock.lock();
            try {
                ensureLoaded(job, true);
                if (lostItsFile(job)) {
                    // Deleted or cut short under us (local_dir cleaned up after archival, a disk swapped):
                    // start from what is on disk, or lines would go to a deleted file or after a hole of NULs.
                    log.warn("Log of job {} changed on disk behind the store's back; reloading it before appending", jobId);
                    handles.release(job, false);
                    job.lines = null;
                    job.ledger = null;
                    ensureLoaded(job, true);
                }
                if (batchId != null) {
                    BatchLedger.Entry previous = job.ledger.find(batchId);
                    if (previous != null && stillWritten(job, previous)) {
                        return new AppendResult(previous.firstIndex(), previous.count(), true);
                    }
                }
                long first = job.lines.lines();
                if (stored.isEmpty()) {
                    return new AppendResult(first, 0, false);
                }
                long start = job.lines.bytes();
                FileChannel ch = acquireHandle(job);
                if (batchId != null) {
                    job.ledger.record(new BatchLedger.Entry(batchId, first, stored.size(), start, length, hash));
                }
                writeFully(ch, bytes, length, start);
                job.lines.appended(bytes, 0, length);
                if (!listeners.isEmpty()) {
                    notifyListeners(jobId, first, Collections.unmodifiableList(stored), Arrays.copyOf(bytes, length));
                }
                return new AppendResult(first, stored.size(), false);
            } finally {
                job.lock.unlock();
                handles.lockReleased();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to the log of job " + jobId + ": " + e.getMessage(), e);
        } finally {
            unpin(job, false);
        }
    }

    /** Refuses what {@link #append} refuses: an unsafe job id or step name, a bad batch id, a null line. */
    private static void checkBatch(String jobId, String batchId, List<LogLine> lines) {
        SafeName.require("job id", jobId);
        Objects.requireNonNull(lines, "lines");
        if (batchId != null && (batchId.isEmpty() || batchId.length() > MAX_BATCH_ID)) {
            throw new IllegalArgumentException("invalid batch id: must be 1 to " + MAX_BATCH_ID + " characters");
        }
        String checkedStep = null;
        for (LogLine line : lines) {
            if (line == null) {
                throw new IllegalArgumentException("a batch of log lines must not contain null");
            }
            if (!line.step().equals(checkedStep)) {
                checkedStep = SafeName.require("step", line.step());
            }
        }
    }

    /**
     * A batch exactly as {@link #append} would store it: checked, normalized (long lines split) and
     * encoded; {@code jsonl} holds one JSONL line per entry of {@code lines}.
     */
    public record PreparedBatch(List<LogLine> lines, byte[] jsonl) {}

    /**
     * Checks, normalizes and encodes a batch without writing it (replicas store it in the shared
     * database first, then write it here with {@link #appendAt}).
     *
     * @throws IllegalArgumentException as {@link #append} does
     */
    public PreparedBatch prepare(String jobId, String batchId, List<LogLine> lines) {
        checkBatch(jobId, batchId, lines);
        List<LogLine> stored = normalizer.normalize(lines);
        JsonlCodec.Encoded encoded = codec.encodeBatch(stored, true);
        return new PreparedBatch(Collections.unmodifiableList(stored), Arrays.copyOf(encoded.buffer(), encoded.length()));
    }

    /**
     * Writes lines that have a fixed place in the job's log (a replica copying the shared log):
     * {@code lines} are the job's lines {@code [firstIndex, firstIndex + lines.size())}, {@code
     * jsonl} their encoding as {@link #prepare} makes it. Lines the file already holds are not
     * written again, so copying the same range twice is harmless; listeners hear of the new ones.
     * Nothing is written when the file holds fewer than {@code firstIndex} lines (a gap: the
     * caller fills it first).
     *
     * @return the number of lines in the job's log afterwards
     * @throws UncheckedIOException when the file cannot be written; nothing of the range stays in it
     */
    public long appendAt(String jobId, long firstIndex, List<LogLine> lines, byte[] jsonl) {
        SafeName.require("job id", jobId);
        JobLogFile job = pin(jobId);
        try {
            job.lock.lock();
            try {
                ensureLoaded(job, true);
                if (lostItsFile(job)) {
                    handles.release(job, false);
                    job.lines = null;
                    job.ledger = null;
                    ensureLoaded(job, true);
                }
                long count = job.lines.lines();
                if (count < firstIndex || count >= firstIndex + lines.size()) {
                    return count;
                }
                int skip = (int) (count - firstIndex);
                int from = 0;
                for (int i = 0; i < skip; i++) {
                    from = indexOf(jsonl, (byte) '\n', from) + 1;
                }
                int length = jsonl.length - from;
                byte[] bytes = from == 0 ? jsonl : Arrays.copyOfRange(jsonl, from, jsonl.length);
                List<LogLine> written = skip == 0 ? lines : lines.subList(skip, lines.size());
                long start = job.lines.bytes();
                writeFully(acquireHandle(job), bytes, length, start);
                job.lines.appended(bytes, 0, length);
                if (!listeners.isEmpty()) {
                    notifyListeners(jobId, count, Collections.unmodifiableList(written), bytes);
                }
                return job.lines.lines();
            } finally {
                job.lock.unlock();
                handles.lockReleased();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to the log of job " + jobId + ": " + e.getMessage(), e);
        } finally {
            unpin(job, false);
        }
    }

    private static int indexOf(byte[] bytes, byte b, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        throw new IllegalArgumentException("the JSONL holds fewer lines than the batch");
    }

    /** The job's log size and line count, taken together (0, 0 when it has none). */
    public record Extent(long bytes, long lines) {}

    /** {@link #size} and {@link #lineCount} of one moment: no append falls between the two. */
    public Extent extent(String jobId) {
        return withLoaded(jobId, job -> new Extent(job.lines.bytes(), job.lines.lines()));
    }

    /** Number of lines in the job's log (0 when it has none). */
    public long lineCount(String jobId) {
        return withLoaded(jobId, job -> job.lines.lines());
    }

    /** Size in bytes of the job's log up to its last whole line (0 when it has none). */
    public long size(String jobId) {
        return withLoaded(jobId, job -> job.lines.bytes());
    }

    /** Whether the job has a local JSONL log. */
    public boolean exists(String jobId) {
        return Files.exists(jsonlPath(jobId));
    }

    /**
     * Reads the job's local JSONL log as {@code query} says, up to the lines written when the
     * read started. An absent log reads as empty. Close the cursor.
     *
     * <p>The snapshot is taken under the job's lock, so it ends on a batch boundary: a live viewer
     * that registers a {@link LogAppendListener} first, then reads the backfill, gets every line
     * exactly once by dropping the batches whose {@code firstIndex} is below the cursor's
     * {@link LogCursor#nextOffset()} (an unfiltered read that ran to its end).
     */
    public LogCursor read(String jobId, LogQuery query) {
        Objects.requireNonNull(query, "query");
        Path file = jsonlPath(jobId);
        if (!Files.exists(file)) {
            return empty(query);
        }
        LocalLogReader.Snapshot snap = withLoaded(jobId, job -> {
            long[] seek = job.lines.seek(query.offset());
            return new LocalLogReader.Snapshot(job.lines.bytes(), job.lines.lines(), seek[0], seek[1]);
        });
        try {
            return reader.open(file, snap, query);
        } catch (NoSuchFileException e) {
            return empty(query);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the log of job " + jobId + ": " + e.getMessage(), e);
        }
    }

    /** The job's whole lines as a forward source (for merging), or null when it has no local log. */
    LineSource openLines(String jobId) throws IOException {
        Path file = jsonlPath(jobId);
        if (!Files.exists(file)) {
            return null;
        }
        long end = size(jobId);
        try {
            InputStream in = Files.newInputStream(file);
            return new LineInput(in, end, false);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /**
     * The job has ended: fsyncs its log (and batch sidecar), releases its write handle and
     * in-memory state. Appends after this still work; they reopen the file.
     */
    public void close(String jobId) {
        JobLogFile job = pin(SafeName.require("job id", jobId));
        try {
            job.lock.lock();
            try {
                if (job.channel != null) {
                    handles.release(job, true);
                } else {
                    fsync(job.jsonl);
                }
                fsync(job.batches);
                fsyncDirectory(dir);
                if (job.loaded()) {
                    saveIndex(job);
                }
            } finally {
                job.lock.unlock();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close the log of job " + jobId + ": " + e.getMessage(), e);
        } finally {
            unpin(job, true);
        }
    }

    /** Deletes the job's local log: {@code .jsonl}, legacy {@code .log}, and the store's sidecars. */
    public void delete(String jobId) {
        JobLogFile job = pin(SafeName.require("job id", jobId));
        try {
            job.lock.lock();
            try {
                handles.release(job, false);
                if (job.ledger != null) {
                    job.ledger.closeFile();
                }
                Files.deleteIfExists(job.jsonl);
                Files.deleteIfExists(dir.resolve(jobId + ".log"));
                Files.deleteIfExists(job.batches);
                Files.deleteIfExists(job.index);
                job.lines = null;
                job.ledger = null;
            } finally {
                job.lock.unlock();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the log of job " + jobId + ": " + e.getMessage(), e);
        } finally {
            unpin(job, true);
        }
    }

    /** Write handles open right now (never more than {@link Options#maxOpenFiles()}). */
    public int openHandleCount() {
        return handles.openCount();
    }

    /** Fsyncs and closes every open handle and saves the line indexes of large logs. */
    @Override
    public void close() {
        handles.closeAll();
        for (JobLogFile job : jobs.values()) {
            job.lock.lock();
            try {
                if (job.loaded()) {
                    saveIndex(job);
                }
            } finally {
                job.lock.unlock();
            }
        }
    }

    // --- per-job state -------------------------------------------------------------------

    private interface JobFunction<T> {
        T apply(JobLogFile job) throws IOException;
    }

    private <T> T withLoaded(String jobId, JobFunction<T> f) {
        JobLogFile job = pin(SafeName.require("job id", jobId));
        try {
            job.lock.lock();
            try {
                ensureLoaded(job, false);
                return f.apply(job);
            } finally {
                job.lock.unlock();
                handles.lockReleased();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the log of job " + jobId + ": " + e.getMessage(), e);
        } finally {
            unpin(job, false);
        }
    }

    private JobLogFile pin(String jobId) {
        return jobs.compute(jobId, (id, job) -> {
            JobLogFile j = job != null ? job : new JobLogFile(id, dir);
            j.pins++;
            return j;
        });
    }

    /** Unpins; with {@code drop}, forgets the state if nobody else uses it and its handle is closed. */
    private void unpin(JobLogFile job, boolean drop) {
        jobs.computeIfPresent(job.jobId, (id, current) -> {
            if (current != job) {
                return current;
            }
            current.pins--;
            return drop && current.pins == 0 && current.channel == null ? null : current;
        });
        if (jobs.size() > options.maxTrackedJobs()) {
            forgetIdleJobs();
        }
    }

    /** Drops idle per-job states (no user, no open handle) until the map is back to 3/4 of its bound. */
    private void forgetIdleJobs() {
        int target = options.maxTrackedJobs() * 3 / 4;
        for (JobLogFile job : jobs.values()) {
            if (jobs.size() <= target) {
                return;
            }
            if (job.pins != 0 || job.channel != null || !job.lock.tryLock()) {
                continue;
            }
            try {
                if (job.loaded()) {
                    saveIndex(job);
                }
            } finally {
                job.lock.unlock();
            }
            jobs.computeIfPresent(job.jobId, (id, current) ->
                    current == job && current.pins == 0 && current.channel == null ? null : current);
        }
    }

    /**
     * Loads a job's state on first use: line count and sparse index (from the saved index when it
     * still fits the file, else by counting), then repairs what a crash may have left: a torn
     * last line, or a batch whose intent record is there but whose bytes are only partly written.
     */
    private void ensureLoaded(JobLogFile job, boolean forWrite) throws IOException {
        if (job.loaded() && (job.repaired || !forWrite)) {
            return;
        }
        if (!forWrite) {
            loadForRead(job);
            return;
        }
        LineIndex lines = new LineIndex(options.indexInterval());
        FileChannel ch = null;
        try {
            // An append opens its write handle anyway: load through it rather than opening the file twice.
            ch = forWrite ? acquireHandle(job)
                    : FileChannel.open(job.jsonl, StandardOpenOption.READ, StandardOpenOption.WRITE);
            long size = ch.size();
            LineIndex saved = size >= SAVE_INDEX_FROM_BYTES ? loadIndex(job, ch, size) : null;
            if (saved != null) {
                lines = saved;
            }
            long whole = lines.scan(ch, size);
            if (whole < size) {
                log.warn("Log of job {} ended in a torn line ({} bytes after the last newline); truncated it",
                        job.jobId, size - whole);
                ch.truncate(whole);
            }
            BatchLedger.Entry last = whole == 0 ? null : BatchLedger.repairAndReadLast(job.batches);
            if (last != null && last.start() < whole && whole < last.end() && last.firstIndex() <= lines.lines()) {
                log.warn("Log of job {} ended in a partly written batch (lines {}..); removed it so its retry writes it whole",
                        job.jobId, last.firstIndex());
                ch.truncate(last.start());
                lines.truncate(last.firstIndex(), last.start());
            }
        } catch (NoSuchFileException e) {
            // no log yet: an empty index
        } finally {
            if (!forWrite && ch != null) {
                ch.close();
            }
        }
        job.lines = lines;
        job.ledger = new BatchLedger(job.batches, options.batchWindow());
        job.repaired = true;
    }

    /**
     * Loads a job's state for reading only: the file is opened read-only and never changed (a
     * read-only {@code local_dir} still serves reads); a torn last line is left for the next
     * append to repair and is simply not counted.
     */
    private void loadForRead(JobLogFile job) throws IOException {
        LineIndex lines = new LineIndex(options.indexInterval());
        try (FileChannel ch = FileChannel.open(job.jsonl, StandardOpenOption.READ)) {
            long size = ch.size();
            LineIndex saved = size >= SAVE_INDEX_FROM_BYTES ? loadIndex(job, ch, size) : null;
            if (saved != null) {
                lines = saved;
            }
            lines.scan(ch, size);
        } catch (NoSuchFileException e) {
            // no log yet: an empty index
        }
        job.lines = lines;
        job.ledger = new BatchLedger(job.batches, options.batchWindow());
        job.repaired = false;
    }

    private LineIndex loadIndex(JobLogFile job, FileChannel ch, long size) {
        try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(job.index)))) {
            LineIndex saved = LineIndex.readFrom(in, options.indexInterval());
            if (saved == null || saved.bytes() > size) {
                return null;
            }
            if (saved.bytes() > 0) {
                ByteBuffer b = ByteBuffer.allocate(1);
                if (ch.read(b, saved.bytes() - 1) != 1 || b.get(0) != '\n') {
                    return null;
                }
            }
            return saved;
        } catch (IOException e) {
            return null; // absent or damaged: count the lines instead
        }
    }

    private void saveIndex(JobLogFile job) {
        if (job.lines.bytes() < SAVE_INDEX_FROM_BYTES) {
            return;
        }
        Path tmp = job.index.resolveSibling(job.index.getFileName() + ".tmp");
        try {
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp)))) {
                job.lines.writeTo(out);
            }
            try {
                Files.move(tmp, job.index, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, job.index, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            // Only a cache: the next open counts the lines instead.
            log.debug("Could not save the line index of job {}: {}", job.jobId, e.toString());
        }
    }

    private FileChannel acquireHandle(JobLogFile job) throws IOException {
        try {
            return handles.acquire(job);
        } catch (NoSuchFileException e) {
            Files.createDirectories(dir); // someone removed local_dir under us
            return handles.acquire(job);
        }
    }

    /** Whether the job's file is gone or shorter than the store believes (one stat per batch). */
    private static boolean lostItsFile(JobLogFile job) throws IOException {
        long onDisk;
        try {
            onDisk = Files.size(job.jsonl);
        } catch (NoSuchFileException e) {
            return job.channel != null || job.lines.bytes() > 0;
        }
        return onDisk < job.lines.bytes();
    }

    /** Whether the bytes a batch's intent record describes are in the file, unchanged. */
    private boolean stillWritten(JobLogFile job, BatchLedger.Entry entry) throws IOException {
        if (entry.end() > job.lines.bytes()) {
            return false;
        }
        MessageDigest digest = newSha256();
        try (FileChannel ch = FileChannel.open(job.jsonl, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
            long pos = entry.start();
            while (pos < entry.end()) {
                buf.clear().limit((int) Math.min(buf.capacity(), entry.end() - pos));
                int n = ch.read(buf, pos);
                if (n < 0) {
                    return false;
                }
                digest.update(buf.array(), 0, n);
                pos += n;
            }
        }
        return Arrays.equals(digest.digest(), entry.sha256());
    }

    private static void writeFully(FileChannel ch, byte[] bytes, int length, long position) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(bytes, 0, length);
        try {
            while (buf.hasRemaining()) {
                ch.write(buf, position + buf.position());
            }
        } catch (IOException e) {
            try {
                ch.truncate(position); // leave no part of the batch behind (e.g. disk full)
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private void notifyListeners(String jobId, long first, List<LogLine> lines, byte[] bytes) {
        for (LogAppendListener listener : listeners) {
            try {
                listener.appended(jobId, first, lines, bytes);
            } catch (RuntimeException e) {
                log.warn("Log append listener failed for job {}: {}", jobId, e.toString(), e);
            }
        }
    }

    private static LogCursor empty(LogQuery query) {
        ByteWindow window = query.tailBytes() == null ? null : new ByteWindow(0, 0, false);
        return new BufferedCursor(new ArrayDeque<>(), query.offset(), window);
    }

    private static void fsync(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (NoSuchFileException e) {
            // nothing to make durable
        }
    }

    /** Makes new directory entries durable; some platforms cannot open a directory, which costs only that. */
    private static void fsyncDirectory(Path directory) {
        try (FileChannel ch = FileChannel.open(directory, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            log.debug("Cannot fsync directory {}: {}", directory, e.toString());
        }
    }

    static byte[] sha256(byte[] bytes, int off, int len) {
        MessageDigest digest = newSha256();
        digest.update(bytes, off, len);
        return digest.digest();
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
