package dev.stroem.worker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/** Builds workspace archives as a server sends them, including the malicious kinds it must never send. */
final class TarGz {

    private record Entry(String name, byte[] content, int mode, byte type, String linkName) {}

    private final Map<String, Entry> entries = new LinkedHashMap<>();

    static TarGz files(Map<String, String> files) {
        var tar = new TarGz();
        files.forEach(tar::file);
        return tar;
    }

    TarGz file(String name, String content) {
        entries.put(name, new Entry(name, content.getBytes(StandardCharsets.UTF_8), 0100644, TarConstants.LF_NORMAL, null));
        return this;
    }

    TarGz executable(String name, String content) {
        entries.put(name, new Entry(name, content.getBytes(StandardCharsets.UTF_8), 0100755, TarConstants.LF_NORMAL, null));
        return this;
    }

    TarGz symlink(String name, String target) {
        entries.put(name, new Entry(name, new byte[0], 0120777, TarConstants.LF_SYMLINK, target));
        return this;
    }

    TarGz directory(String name) {
        entries.put(name, new Entry(name.endsWith("/") ? name : name + "/", new byte[0], 040755, TarConstants.LF_DIR, null));
        return this;
    }

    byte[] bytes() {
        var out = new ByteArrayOutputStream();
        try (var tar = new TarArchiveOutputStream(new GZIPOutputStream(out), StandardCharsets.UTF_8.name())) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Entry e : entries.values()) {
                // preserveAbsolutePath: the archive says exactly what a (malicious) server wrote.
                var header = new TarArchiveEntry(e.name(), e.type(), true);
                header.setMode(e.mode());
                if (e.linkName() != null) {
                    header.setLinkName(e.linkName());
                }
                header.setSize(e.type() == TarConstants.LF_NORMAL ? e.content().length : 0);
                tar.putArchiveEntry(header);
                if (e.type() == TarConstants.LF_NORMAL) {
                    tar.write(e.content());
                }
                tar.closeArchiveEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
