package dev.stroem.logs;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The intent records of one job's batches, kept in the sidecar {@code {job_id}.batches}: before a
 * batch's bytes are written, a line {@code b1 <batchId> <firstIndex> <count> <start> <length>
 * <sha256>} is appended (batch id in URL-safe Base64). A retried batch id counts as written when
 * the log's bytes at {@code [start, start+length)} still hash to the recorded value.
 *
 * <p>The sidecar is read lazily, on the first batch id the job sees after its state was loaded;
 * only the most recent {@code window} records are kept in memory (retries follow a timeout, so
 * they concern recent batches: a worker sends a step's batches one after the other and only ever
 * retries the one not yet acknowledged). The file is bounded the same way: once it holds twice
 * {@code window} records it is rewritten with the last {@code window} (atomically), so it never
 * grows beyond {@code 2 × window} records. It is appended to through one open channel, closed
 * with the job's write handle ({@link #closeFile()}). Not thread-safe; guarded by the job's lock.
 */
final class BatchLedger {

    /** One intent record. */
    record Entry(String batchId, long firstIndex, int count, long start, long length, byte[] sha256) {

        String toLine() {
            return "b1 " + Base64.getUrlEncoder().withoutPadding().encodeToString(batchId.getBytes(StandardCharsets.UTF_8))
                    + ' ' + firstIndex + ' ' + count + ' ' + start + ' ' + length + ' ' + HexFormat.of().formatHex(sha256)
                    + '\n';
        }

        /** The record in {@code line}, or null when the line is not a whole record (a torn write). */
        static Entry parse(String line) {
            String[] f = line.split(" ");
            if (f.length != 7 || !f[0].equals("b1") || f[6].length() != 64) {
                return null;
            }
            try {
                String id = new String(Base64.getUrlDecoder().decode(f[1]), StandardCharsets.UTF_8);
                return new Entry(id, Long.parseLong(f[2]), Integer.parseInt(f[3]), Long.parseLong(f[4]),
                        Long.parseLong(f[5]), HexFormat.of().parseHex(f[6]));
            } catch (IllegalArgumentException e) {
                return null;
            }
        }

        long end() {
            return start + length;
        }
    }

    private final Path file;
    private final int window;
    private LinkedHashMap<String, Entry> recent;
    private long recordsInFile;
    private FileChannel out;

    BatchLedger(Path file, int window) {
        this.file = file;
        this.window = window;
    }

    /** The latest record for {@code batchId}, or null. */
    Entry find(String batchId) throws IOException {
        return loaded().get(batchId);
    }

    /** Appends the intent record to the sidecar (reaching the kernel before the data is written). */
    void record(Entry entry) throws IOException {
        LinkedHashMap<String, Entry> map = loaded();
        if (out == null) {
            out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        }
        var bytes = java.nio.ByteBuffer.wrap(entry.toLine().getBytes(StandardCharsets.US_ASCII));
        while (bytes.hasRemaining()) {
            out.write(bytes);
        }
        recordsInFile++;
        map.remove(entry.batchId());
        map.put(entry.batchId(), entry);
        if (recordsInFile > 2L * window) {
            compact(map);
        }
    }

    /** Rewrites the sidecar with the records still remembered (the last {@code window}). */
    private void compact(LinkedHashMap<String, Entry> map) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        var text = new StringBuilder(map.size() * 120);
        map.values().forEach(e -> text.append(e.toLine()));
        Files.writeString(tmp, text, StandardCharsets.US_ASCII);
        closeFile();
        try {
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (java.nio.file.AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        recordsInFile = map.size();
    }

    /** Closes the sidecar's channel (the job's handle was released); the next record opens it again. */
    void closeFile() throws IOException {
        if (out != null) {
            FileChannel ch = out;
            out = null;
            ch.close();
        }
    }

    /** Records in the sidecar file now. */
    long recordsInFile() throws IOException {
        loaded();
        return recordsInFile;
    }

    private LinkedHashMap<String, Entry> loaded() throws IOException {
        if (recent == null) {
            LinkedHashMap<String, Entry> map = new LinkedHashMap<>(64, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                    return size() > window;
                }
            };
            try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.US_ASCII)) {
                String line;
                while ((line = in.readLine()) != null) {
                    recordsInFile++;
                    Entry e = Entry.parse(line);
                    if (e != null) {
                        map.remove(e.batchId());
                        map.put(e.batchId(), e);
                    }
                }
            } catch (NoSuchFileException e) {
                // no batch written yet
            }
            recent = map;
        }
        return recent;
    }

    /**
     * Repairs a torn last record of the sidecar (truncating it to its last newline, so the next
     * record starts on a line of its own) and returns the last whole record, or null.
     */
    static Entry repairAndReadLast(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = ch.size();
            if (size == 0) {
                return null;
            }
            int n = (int) Math.min(size, 4096);
            ByteBuffer buf = ByteBuffer.allocate(n);
            long from = size - n;
            while (buf.hasRemaining() && ch.read(buf, from + buf.position()) >= 0) {
                // fill
            }
            byte[] tail = buf.array();
            int lastNl = lastIndexOf(tail, n, '\n');
            if (lastNl < n - 1) {
                // A crash cut the record short: drop it, like the torn log line it announced.
                ch.truncate(lastNl < 0 ? from : from + lastNl + 1);
            }
            if (lastNl < 0) {
                return null;
            }
            int prevNl = lastIndexOf(tail, lastNl, '\n');
            return Entry.parse(new String(tail, prevNl + 1, lastNl - prevNl - 1, StandardCharsets.US_ASCII));
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private static int lastIndexOf(byte[] b, int end, char c) {
        for (int i = end - 1; i >= 0; i--) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }
}
