package dev.stroem.worker;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/**
 * Packs a step's state-out folder into a snapshot tarball on disk (streamed file by file, never
 * whole in memory): its folders and regular files under their names relative to the folder, and
 * the structured state as a root {@code state.json} first, when there is one. Links and other
 * special files are left out with a warning: a snapshot holds data, never a way out of
 * {@code $STATE_DIR}.
 */
final class StatePacker {

    static final String STATE_FILE = "state.json";

    private StatePacker() {}

    /** Whether {@code folder} holds anything at all. */
    static boolean hasContent(Path folder) throws IOException {
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.findAny().isPresent();
        }
    }

    /**
     * Writes {@code folder} (and {@code stateJson}, when not null, as the root {@code state.json}
     * in place of any such file in the folder) as a gzip tarball to {@code into}.
     *
     * @param printed {@code stateJson} came from the step's {@code STATE:} lines (a {@code state.json}
     *     file of the folder is then left out with a warning); otherwise it is that file's content
     * @param warn gets a sentence for each thing left out
     */
    static void pack(Path folder, String stateJson, boolean printed, Path into, Consumer<String> warn) throws IOException {
        try (OutputStream file = Files.newOutputStream(into);
                var gzip = new GzipCompressorOutputStream(file);
                var tar = new TarArchiveOutputStream(gzip, StandardCharsets.UTF_8.name())) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            if (stateJson != null) {
                byte[] bytes = stateJson.getBytes(StandardCharsets.UTF_8);
                var entry = new TarArchiveEntry(STATE_FILE);
                entry.setSize(bytes.length);
                tar.putArchiveEntry(entry);
                tar.write(bytes);
                tar.closeArchiveEntry();
            }
            List<Path> paths;
            try (Stream<Path> walk = Files.walk(folder)) {
                paths = walk.filter(p -> !p.equals(folder)).sorted().toList();
            }
            for (Path path : paths) {
                String name = folder.relativize(path).toString().replace('\\', '/');
                if (Files.isSymbolicLink(path)) {
                    warn.accept("'" + name + "' is a symbolic link; state keeps no links, it is left out");
                } else if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                    var entry = new TarArchiveEntry(path.toFile(), name + "/");
                    tar.putArchiveEntry(entry);
                    tar.closeArchiveEntry();
                } else if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
                    if (stateJson != null && name.equals(STATE_FILE)) {
                        if (printed) {
                            warn.accept("the step printed STATE: lines, so they are the snapshot's state.json, not the "
                                    + "file of that name in the state-out folder");
                        }
                        continue;
                    }
                    var entry = new TarArchiveEntry(path.toFile(), name);
                    tar.putArchiveEntry(entry);
                    try (InputStream in = Files.newInputStream(path, LinkOption.NOFOLLOW_LINKS)) {
                        in.transferTo(tar);
                    }
                    tar.closeArchiveEntry();
                } else {
                    warn.accept("'" + name + "' is not a regular file; it is left out");
                }
            }
            tar.finish();
        }
    }
}
