package dev.stroem.workflow;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * The {@code .tar.gz} form of {@link WorkspaceFiles}, as workers download it. The bytes depend on
 * the files alone (sorted entries, fixed owner and times), so one revision always has one archive.
 */
public final class WorkspaceArchive {
    private WorkspaceArchive() {}

    public static byte[] tarGz(WorkspaceFiles files) {
        var bytes = new ByteArrayOutputStream();
        try (var gzip = new GZIPOutputStream(bytes, 64 * 1024);
                var tar = new TarArchiveOutputStream(gzip, StandardCharsets.UTF_8.name())) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            for (var entry : files.files().entrySet()) {
                var file = entry.getValue();
                var header = new TarArchiveEntry(entry.getKey());
                header.setSize(file.content().length);
                header.setMode(file.executable() ? 0100755 : 0100644);
                header.setModTime(0);
                header.setUserId(0);
                header.setGroupId(0);
                header.setUserName("");
                header.setGroupName("");
                tar.putArchiveEntry(header);
                tar.write(file.content());
                tar.closeArchiveEntry();
            }
            tar.finish();
        } catch (IOException e) {
            throw new UncheckedIOException("writing a workspace archive in memory failed", e);
        }
        return bytes.toByteArray();
    }

    /** Reads an archive written by {@link #tarGz}; paths that would leave the root are refused. */
    public static WorkspaceFiles read(byte[] tarGz) throws IOException {
        var files = new LinkedHashMap<String, WorkspaceFiles.WorkspaceFile>();
        try (var tar = new TarArchiveInputStream(new GZIPInputStream(new ByteArrayInputStream(tarGz)),
                StandardCharsets.UTF_8.name())) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                if (!entry.isFile()) {
                    continue;
                }
                String name = entry.getName();
                if (name.startsWith("/") || List.of(name.split("/")).contains("..")) {
                    throw new IOException("workspace archive entry '" + name + "' leaves the workspace");
                }
                files.put(name, new WorkspaceFiles.WorkspaceFile(tar.readAllBytes(), (entry.getMode() & 0100) != 0));
            }
        }
        return WorkspaceFiles.of(files, List.of());
    }
}
