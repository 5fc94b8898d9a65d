package dev.stroem.logs;

import dev.stroem.storage.ObjectStore;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.Objects;
import java.util.zip.GZIPOutputStream;

/**
 * Archives a finished job's local log: gzip (level 6, like {@code gzip -6}) streamed from the
 * file into the archive in large blocks, so the log is never held in memory whatever its size.
 */
public final class LogArchiver {

    private static final int BLOCK = 1 << 20;

    private final LocalLogStore store;
    private final ObjectStore archive;
    private final String prefix;
    private final JobLogReader reader;
    private final LocalLogSync sync;

    /**
     * An archiver that uploads the local file as it is (tests of the upload path itself).
     *
     * @param prefix the archive key prefix ({@code archive.prefix}, may be empty)
     */
    public LogArchiver(LocalLogStore store, ObjectStore archive, String prefix) {
        this(store, archive, prefix, null);
    }

    /**
     * @param prefix the archive key prefix ({@code archive.prefix}, may be empty)
     * @param reader reads the union of local and archived lines when a re-archive must keep lines
     *               that only the earlier archive still holds; null to always upload the local file
     */
    public LogArchiver(LocalLogStore store, ObjectStore archive, String prefix, JobLogReader reader) {
        this(store, archive, prefix, reader, LocalLogSync.NONE);
    }

    /**
     * @param sync brings the local copy up to date before the upload (replicas, where the local copy
     *             is then the whole log and {@code reader} is null: no union is ever needed)
     */
    public LogArchiver(LocalLogStore store, ObjectStore archive, String prefix, JobLogReader reader, LocalLogSync sync) {
        this.sync = Objects.requireNonNull(sync, "sync");
        this.store = Objects.requireNonNull(store, "store");
        this.archive = Objects.requireNonNull(archive, "archive");
        this.prefix = ArchiveKey.checkPrefix(prefix);
        this.reader = reader;
    }

    /**
     * Closes the job's log (fsync, handle released), then uploads its lines as they are now under
     * {@link ArchiveKey}. Lines appended later stay local; reads merge them in (see {@link JobLogReader}).
     * When the local file is not the one archived before (it was deleted and re-created by a late
     * line), the upload is the union of both, so re-archiving never drops archived lines.
     *
     * <p>The key is the one recorded for the job when it was archived before (even if the
     * prefix changed since), else the current prefix's.
     *
     * @return the key and sizes; {@code archived == false} when the job has no local log
     * @throws dev.stroem.storage.StorageException when the archive refuses or is unreachable, or
     *         the earlier archive cannot be read in full for a union (nothing is written then)
     * @throws java.io.UncheckedIOException             when the local log cannot be read
     */
    public ArchiveResult archive(JobLogRef ref) {
        String key = ref.archiveKeyFor(prefix);
        sync.catchUp(ref.jobId());
        if (!store.exists(ref.jobId())) {
            return new ArchiveResult(key, false, 0, 0);
        }
        // Size and line count of one moment: the record must describe exactly the bytes uploaded.
        var extent = store.extent(ref.jobId());
        long size = extent.bytes();
        long lines = extent.lines();
        store.close(ref.jobId());
        if (reader != null && (ref.archivedBytes() == null || ref.archivedBytes() != size)) {
            var union = reader.unionWithArchive(ref);
            if (union.isPresent()) {
                return archiveUnion(key, union.get());
            }
        }
        long[] compressed = {0};
        try (InputStream probe = Files.newInputStream(store.jsonlPath(ref.jobId()))) {
            // Opened before the upload so a log deleted meanwhile reports "nothing archived".
            archive.put(key, out -> compressed[0] = gzip(probe, size, out));
        } catch (NoSuchFileException e) {
            return new ArchiveResult(key, false, 0, 0);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read the log of job " + ref.jobId() + " to archive it", e);
        }
        return new ArchiveResult(key, true, size, compressed[0], false, lines);
    }

    private ArchiveResult archiveUnion(String key, JobLogRead union) {
        long[] sizes = {0, 0, 0};
        try (union) {
            archive.put(key, out -> {
                CountingOutputStream counted = new CountingOutputStream(out);
                CountingOutputStream raw = new CountingOutputStream(new GZIPOutputStream(counted, 256 * 1024));
                union.cursor().writeTo(raw);
                ((GZIPOutputStream) raw.out()).finish();
                raw.flush();
                sizes[0] = raw.count;
                sizes[1] = counted.count;
                sizes[2] = raw.newlines;
            });
        }
        return new ArchiveResult(key, true, sizes[0], sizes[1], true, sizes[2]);
    }

    /**
     * Deletes the job's archived log (retention) under the key recorded when it was archived; a
     * job never archived has no object, and a missing object is fine.
     */
    public void deleteArchived(JobLogRef ref) {
        if (ref.archiveKey() != null) {
            archive.delete(ref.archiveKey());
        }
    }

    /** Gzips the first {@code size} bytes of {@code in} into {@code out}; returns the compressed size. */
    private static long gzip(InputStream in, long size, OutputStream out) throws IOException {
        CountingOutputStream counted = new CountingOutputStream(out);
        GZIPOutputStream gz = new GZIPOutputStream(counted, 256 * 1024);
        byte[] buf = new byte[BLOCK];
        long left = size;
        while (left > 0) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) {
                throw new IOException("log file shrank while it was being archived");
            }
            gz.write(buf, 0, n);
            left -= n;
        }
        gz.finish();
        gz.flush();
        return counted.count;
    }

    private static final class CountingOutputStream extends FilterOutputStream {
        long count;
        long newlines;

        CountingOutputStream(OutputStream out) {
            super(out);
        }

        OutputStream out() {
            return out;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
            if (b == '\n') {
                newlines++;
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
            for (int i = off; i < off + len; i++) {
                if (b[i] == '\n') {
                    newlines++;
                }
            }
        }
    }
}
