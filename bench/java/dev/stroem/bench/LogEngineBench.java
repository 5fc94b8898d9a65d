package dev.stroem.bench;

import dev.stroem.logs.ArchiveResult;
import dev.stroem.logs.JobLogRef;
import dev.stroem.logs.JsonlCodec;
import dev.stroem.logs.LocalLogStore;
import dev.stroem.logs.LogArchiver;
import dev.stroem.logs.LogCursor;
import dev.stroem.logs.LogLine;
import dev.stroem.logs.LogQuery;
import dev.stroem.logs.LogRecord;
import dev.stroem.logs.LogStream;
import dev.stroem.storage.LocalDirectoryStore;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.BufferedWriter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Benchmark of the log storage engine; run by {@code bench/run-engine.sh}, which explains the phases.
 *
 * <pre>
 *   LogEngineBench append-tail DATA_DIR   # append vs BufferedWriter, grow the log to 1 GiB, tail 1000
 *   LogEngineBench archive DATA_DIR       # archive the 1 GiB log (run with -Xmx64m) vs gzip -6
 * </pre>
 */
public final class LogEngineBench {

    private static final String JOB = "bench-job";
    private static final int BATCH = 500;
    private static final long GIB = 1L << 30;

    private LogEngineBench() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: LogEngineBench append-tail|archive DATA_DIR");
            System.exit(2);
        }
        Path data = Path.of(args[1]);
        switch (args[0]) {
            case "append-tail" -> appendAndTail(data);
            case "archive" -> archive(data);
            default -> {
                System.err.println("unknown phase " + args[0]);
                System.exit(2);
            }
        }
    }

    /** Realistic lines: ~70 characters of text, a few steps, mostly stdout; about 130 bytes of JSONL each. */
    private static List<List<LogLine>> batches(int count) {
        Random random = new Random(42);
        String[] steps = {"checkout", "build", "test", "deploy-staging"};
        String[] levels = {"INFO ", "INFO ", "INFO ", "DEBUG", "WARN "};
        Instant t = Instant.parse("2025-02-12T10:56:45.123Z");
        List<List<LogLine>> out = new ArrayList<>(count);
        for (int b = 0; b < count; b++) {
            List<LogLine> batch = new ArrayList<>(BATCH);
            for (int i = 0; i < BATCH; i++) {
                t = t.plusMillis(random.nextInt(3));
                String text = levels[random.nextInt(levels.length)] + " [worker-" + random.nextInt(8) + "] processed item "
                        + random.nextInt(1_000_000) + " in " + random.nextInt(500) + " ms status=ok path=/api/v1/items";
                batch.add(new LogLine(t, random.nextInt(20) == 0 ? LogStream.STDERR : LogStream.STDOUT,
                        steps[(b / 10) % steps.length], text));
            }
            out.add(batch);
        }
        return out;
    }

    private static void appendAndTail(Path data) throws IOException {
        deleteTree(data);
        Files.createDirectories(data);
        JsonlCodec codec = new JsonlCodec();
        List<List<LogLine>> pool = batches(200); // 100,000 distinct lines, cycled
        int measuredBatches = 6000; // 3,000,000 lines
        long lines = (long) measuredBatches * BATCH;
        System.out.printf("lines per run: %,d in batches of %d; sample: %s%n", lines, BATCH,
                codec.encodeLine(pool.get(0).get(0)));

        // warm-up of every path so the JIT has compiled them
        writePlain(data.resolve("warm.jsonl"), pool, 400, codec);
        appendStore(data.resolve("warm-store"), pool, 400, true);
        deleteTree(data.resolve("warm-store"));
        Files.deleteIfExists(data.resolve("warm.jsonl"));

        for (int round = 1; round <= 2; round++) {
            double plain = writePlain(data.resolve("plain.jsonl"), pool, measuredBatches, codec);
            double plainPre = writePreEncoded(data.resolve("plain-pre.jsonl"), pool, measuredBatches, codec);
            double storeIds = appendStore(data.resolve("store-ids"), pool, measuredBatches, true);
            double storeNoIds = appendStore(data.resolve("store-noids"), pool, measuredBatches, false);
            System.out.printf("round %d append lines/s: BufferedWriter+Jackson generator %,.0f | BufferedWriter pre-encoded %,.0f"
                            + " | store with batchId %,.0f (%.0f%% of baseline) | store without batchId %,.0f (%.0f%%)%n",
                    round, plain, plainPre, storeIds, 100 * storeIds / plain, storeNoIds, 100 * storeNoIds / plain);
            System.out.printf("         file sizes: plain %,d B, store %,d B (identical bytes: %s)%n",
                    Files.size(data.resolve("plain.jsonl")), Files.size(data.resolve("store-noids/" + JOB + ".jsonl")),
                    sameBytes(data.resolve("plain.jsonl"), data.resolve("store-noids/" + JOB + ".jsonl")));
            Files.deleteIfExists(data.resolve("plain.jsonl"));
            Files.deleteIfExists(data.resolve("plain-pre.jsonl"));
            deleteTree(data.resolve("store-ids"));
            deleteTree(data.resolve("store-noids"));
        }

        // Grow one job's log to 1 GiB through the store, then tail it.
        Path logs = data.resolve("logs");
        LocalLogStore store = new LocalLogStore(logs);
        long start = System.nanoTime();
        int b = 0;
        while (store.size(JOB) < GIB) {
            store.append(JOB, "b-" + b, pool.get(b % pool.size()));
            b++;
        }
        store.close(JOB);
        double secs = (System.nanoTime() - start) / 1e9;
        long size = store.size(JOB);
        System.out.printf("grew %s to %,d B (%,d lines) in %.1f s: %,.0f lines/s, %.0f MB/s%n", JOB, size,
                store.lineCount(JOB), secs, store.lineCount(JOB) / secs, size / secs / 1e6);

        tail("tail 1000 (store that wrote the log)", store, LogQuery.all().withTail(1000), 11);
        tail("tail 1000 of step 'deploy-staging'", store, LogQuery.all().withStep("deploy-staging").withTail(1000), 11);
        tail("tailBytes 4 MiB", store, LogQuery.all().withTailBytes(4L << 20), 11);
        store.close();
        LocalLogStore restarted = new LocalLogStore(logs);
        tail("tail 1000 after a restart (saved line index)", restarted, LogQuery.all().withTail(1000), 1);
        restarted.close();
        Files.delete(logs.resolve(JOB + ".idx"));
        LocalLogStore noIndex = new LocalLogStore(logs);
        tail("tail 1000 after a restart without saved index (first read counts the lines)", noIndex,
                LogQuery.all().withTail(1000), 11);
        noIndex.close();
    }

    /**
     * The baseline: the same JSONL written the plain way, one Jackson generator streaming into a
     * {@code BufferedWriter} (no per-line objects, no durability, no index, no ids).
     */
    private static double writePlain(Path file, List<List<LogLine>> pool, int batches, JsonlCodec codec) throws IOException {
        JsonFactory factory = new JsonFactory();
        long start = System.nanoTime();
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
             JsonGenerator gen = factory.createGenerator(w)) {
            gen.setRootValueSeparator(null);
            for (int b = 0; b < batches; b++) {
                for (LogLine line : pool.get(b % pool.size())) {
                    gen.writeStartObject();
                    gen.writeStringField("ts", codec.formatTimestamp(line.ts()));
                    gen.writeStringField("stream", line.stream().wireName());
                    gen.writeStringField("step", line.step());
                    gen.writeStringField("line", line.line());
                    gen.writeEndObject();
                    gen.writeRaw('\n');
                }
            }
        }
        return (double) batches * BATCH / ((System.nanoTime() - start) / 1e9);
    }

    private static double writePreEncoded(Path file, List<List<LogLine>> pool, int batches, JsonlCodec codec)
            throws IOException {
        List<List<String>> encoded = pool.stream().map(batch -> batch.stream().map(codec::encodeLine).toList()).toList();
        long start = System.nanoTime();
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int b = 0; b < batches; b++) {
                for (String line : encoded.get(b % encoded.size())) {
                    w.write(line);
                    w.write('\n');
                }
            }
        }
        return (double) batches * BATCH / ((System.nanoTime() - start) / 1e9);
    }

    private static double appendStore(Path dir, List<List<LogLine>> pool, int batches, boolean batchIds) {
        LocalLogStore store = new LocalLogStore(dir);
        long start = System.nanoTime();
        for (int b = 0; b < batches; b++) {
            store.append(JOB, batchIds ? "batch-" + b : null, pool.get(b % pool.size()));
        }
        store.close(JOB);
        double rate = (double) batches * BATCH / ((System.nanoTime() - start) / 1e9);
        store.close();
        return rate;
    }

    private static void tail(String label, LocalLogStore store, LogQuery query, int times) {
        double[] ms = new double[times];
        String detail = "";
        for (int i = 0; i < times; i++) {
            System.gc();
            com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long allocBefore = threads.getCurrentThreadAllocatedBytes();
            long start = System.nanoTime();
            long n = 0;
            long lastIndex = -1;
            try (LogCursor c = store.read(JOB, query)) {
                while (c.hasNext()) {
                    LogRecord r = c.next();
                    lastIndex = r.index();
                    n++;
                }
            }
            ms[i] = (System.nanoTime() - start) / 1e6;
            long allocated = threads.getCurrentThreadAllocatedBytes() - allocBefore;
            Runtime rt = Runtime.getRuntime();
            if (i == 0) {
                detail = String.format("%d lines (last index %,d); allocated %.1f MB during the read; heap in use after %.0f MB",
                        n, lastIndex, allocated / 1e6, (rt.totalMemory() - rt.freeMemory()) / 1e6);
            }
        }
        double[] rest = Arrays.copyOfRange(ms, 1, ms.length);
        Arrays.sort(rest);
        System.out.printf("%s: first %.1f ms%s; %s%n", label, ms[0],
                rest.length == 0 ? "" : String.format(", then median %.1f ms (max %.1f) over %d more", rest[rest.length / 2],
                        rest[rest.length - 1], rest.length), detail);
    }

    private static void archive(Path data) throws Exception {
        Path logs = data.resolve("logs");
        Path file = logs.resolve(JOB + ".jsonl");
        long size = Files.size(file);
        System.out.printf("archiving %s (%,d B) with -Xmx%d MB%n", file, size, Runtime.getRuntime().maxMemory() >> 20);
        for (int round = 1; round <= 2; round++) {
            Path gz = data.resolve("gzip6.jsonl.gz");
            long start = System.nanoTime();
            Process p = new ProcessBuilder("bash", "-c", "gzip -6 -c '" + file + "' > '" + gz + "'").inheritIO().start();
            if (p.waitFor() != 0) {
                throw new IllegalStateException("gzip failed");
            }
            double gzipSecs = (System.nanoTime() - start) / 1e9;
            long gzipSize = Files.size(gz);
            Files.delete(gz);

            Path archiveDir = data.resolve("archive");
            deleteTree(archiveDir);
            LocalLogStore store = new LocalLogStore(logs);
            LogArchiver archiver = new LogArchiver(store, new LocalDirectoryStore(archiveDir), "logs/");
            JobLogRef ref = new JobLogRef(JOB, "default", "bench", Instant.parse("2025-02-12T10:56:45Z"), true, null);
            System.gc();
            List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
                    .filter(m -> m.getType() == MemoryType.HEAP).toList();
            heap.forEach(MemoryPoolMXBean::resetPeakUsage);
            start = System.nanoTime();
            ArchiveResult result = archiver.archive(ref);
            double javaSecs = (System.nanoTime() - start) / 1e9;
            long peak = heap.stream().mapToLong(m -> m.getPeakUsage().getUsed()).sum();
            store.close();
            System.out.printf("round %d: gzip -6 %.1f s (%,d B) | LogArchiver %.1f s (%,d B, %.2fx gzip), peak heap %.1f MB"
                            + " (sum of heap pools' peaks since reset)%n",
                    round, gzipSecs, gzipSize, javaSecs, result.compressedBytes(), javaSecs / gzipSecs, peak / 1e6);
        }
    }

    private static boolean sameBytes(Path a, Path b) throws IOException {
        if (Files.size(a) != Files.size(b)) {
            return false;
        }
        try (var ia = Files.newInputStream(a); var ib = Files.newInputStream(b)) {
            byte[] ba = new byte[1 << 16];
            byte[] bb = new byte[1 << 16];
            while (true) {
                int na = ia.readNBytes(ba, 0, ba.length);
                int nb = ib.readNBytes(bb, 0, bb.length);
                if (na != nb || !Arrays.equals(ba, 0, na, bb, 0, nb)) {
                    return false;
                }
                if (na == 0) {
                    return true;
                }
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
