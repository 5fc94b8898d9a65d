package dev.stroem.worker;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Log batches waiting on disk: one file per batch, {@code <seq>-<batch_id>.json}, written to a
 * temporary name, forced to disk and renamed, so a file that exists is whole. {@code seq} is
 * the worker's sealing order, which keeps a step's batches in order across restarts.
 */
public final class LogSpool {

    private static final Logger log = LoggerFactory.getLogger(LogSpool.class);
    private static final Pattern NAME = Pattern.compile("(\\d{19})-(.+)\\.json");

    private final ObjectMapper json = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private final Path dir;

    public LogSpool(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /** A batch as stored on disk. */
    public record SpooledBatch(long seq, String jobId, String stepName, String batchId, List<ShippedLine> lines) {}

    /** A spool file and what its name says: the sealing order and the batch id. */
    public record Entry(Path file, long seq, String batchId) {}

    /** Writes the batch durably; returns its file. */
    public Path write(SpooledBatch batch) throws IOException {
        Files.createDirectories(dir);
        Path target = dir.resolve(String.format("%019d-%s.json", batch.seq(), batch.batchId()));
        Path tmp = dir.resolve(target.getFileName() + ".tmp");
        byte[] bytes = json.writeValueAsBytes(batch);
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                out.write(buf);
            }
            out.force(true);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        forceDirectory();
        return target;
    }

    public SpooledBatch read(Path file) throws IOException {
        return json.readValue(file.toFile(), SpooledBatch.class);
    }

    /** Which job and step a spooled batch belongs to, without keeping its lines. */
    public SpooledBatch readHeader(Path file) throws IOException {
        JsonNode tree = json.readTree(file.toFile());
        String jobId = tree.path("job_id").asText(null);
        String stepName = tree.path("step_name").asText(null);
        if (jobId == null || stepName == null || !tree.path("lines").isArray()) {
            throw new IOException("not a spooled log batch (job_id, step_name or lines missing)");
        }
        return new SpooledBatch(tree.path("seq").asLong(), jobId, stepName, tree.path("batch_id").asText(), List.of());
    }

    public void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // Left behind it is sent again at the next start, and the server drops it by batch_id.
            log.warn("Cannot delete the delivered spool file {}: {}", file, e.getMessage());
        }
    }

    /** Keeps an unreadable spool file for a human, out of the way of the next start. */
    public void quarantine(Path file) {
        try {
            Files.move(file, file.resolveSibling(file.getFileName() + ".unreadable"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            log.warn("Cannot move the unreadable spool file {} aside: {}", file, e.getMessage());
        }
    }

    /**
     * The batches on disk in sealing order. Temporary files are removed: a crash interrupted
     * their writing, and the batch they were to hold was still in memory then.
     */
    public List<Entry> entries() throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        var entries = new ArrayList<Entry>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                Matcher m = NAME.matcher(name);
                if (m.matches()) {
                    entries.add(new Entry(file, Long.parseLong(m.group(1)), m.group(2)));
                } else if (name.endsWith(".json.tmp")) {
                    Files.deleteIfExists(file);
                }
            }
        }
        entries.sort(Comparator.comparingLong(Entry::seq));
        return entries;
    }

    private void forceDirectory() {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Not every platform can sync a directory; the rename itself is atomic.
        }
    }
}
