package dev.stroem.worker;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Unpacks a workspace {@code .tar.gz} into a folder, refusing anything that would reach outside
 * it: absolute names, {@code ..}, links whose target leaves the folder, and entries written
 * through a link. Devices and FIFOs are skipped. A refused archive is an error as a whole: a
 * step never runs on half a workspace.
 */
public final class WorkspaceUnpacker {

    /** Far above what a server serves (the original caps a workspace well below), against archive bombs. */
    static final long MAX_BYTES = 1L << 30;
    static final int MAX_ENTRIES = 200_000;

    private WorkspaceUnpacker() {}

    /** Unpacks {@code tarGz} into {@code into} (created when missing). */
    public static void unpack(Path tarGz, Path into) throws IOException {
        unpack(tarGz, into, "workspace");
    }

    /**
     * As {@link #unpack(Path, Path)}, with {@code kind} naming the archive in errors (a state
     * snapshot is unpacked by the same rules).
     */
    static void unpack(Path tarGz, Path into, String kind) throws IOException {
        Files.createDirectories(into);
        Path root = into.toRealPath();
        long total = 0;
        int entries = 0;
        try (InputStream file = Files.newInputStream(tarGz);
                var gzip = new GZIPInputStream(new BufferedInputStream(file, 64 * 1024));
                var tar = new TarArchiveInputStream(gzip, StandardCharsets.UTF_8.name())) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                if (++entries > MAX_ENTRIES) {
                    throw new IOException("the " + kind + " archive has more than " + MAX_ENTRIES + " entries");
                }
                String name = entry.getName();
                Path relative = relativeName(name, kind);
                if (relative == null) {
                    continue; // "./" itself
                }
                Path target = root.resolve(relative);
                Path parent = target.getParent();
                Files.createDirectories(parent);
                if (!parent.toRealPath().startsWith(root)) {
                    throw new IOException(kind + " archive entry '" + name + "' is written through a link that "
                            + "leaves the " + kind);
                }
                if (entry.isDirectory()) {
                    if (Files.isSymbolicLink(target)) {
                        throw new IOException(kind + " archive entry '" + name + "' is a folder in place of a link");
                    }
                    Files.createDirectories(target);
                } else if (entry.isSymbolicLink()) {
                    String linkTarget = entry.getLinkName();
                    Path resolved = parent.toRealPath().resolve(linkTarget).normalize();
                    if (Path.of(linkTarget).isAbsolute() || !resolved.startsWith(root)) {
                        throw new IOException(kind + " archive entry '" + name + "' links to '" + linkTarget
                                + "', outside the " + kind);
                    }
                    Files.deleteIfExists(target);
                    Files.createSymbolicLink(target, Path.of(linkTarget));
                } else if (entry.isLink()) {
                    Path relativeSource = relativeName(entry.getLinkName(), kind);
                    Path source = relativeSource == null ? null : root.resolve(relativeSource);
                    if (source == null || !Files.isRegularFile(source, LinkOption.NOFOLLOW_LINKS)) {
                        throw new IOException(kind + " archive entry '" + name + "' is a hard link to '"
                                + entry.getLinkName() + "', which is not a file of the " + kind);
                    }
                    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING, LinkOption.NOFOLLOW_LINKS);
                } else if (entry.isFile()) {
                    total += entry.getSize();
                    if (total > MAX_BYTES) {
                        throw new IOException("the " + kind + " archive unpacks to more than " + (MAX_BYTES >> 20) + " MiB");
                    }
                    Files.deleteIfExists(target);
                    try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW,
                            StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                        tar.transferTo(out);
                    }
                    if ((entry.getMode() & 0100) != 0) {
                        executable(target);
                    }
                }
                // Anything else (devices, FIFOs) has no place in a workspace: skipped.
            }
        }
        checkLinks(root, kind);
    }

    /**
     * Every link must lead to something inside the workspace once all of it is there: a link
     * through another link can go further up than its own text says.
     */
    private static void checkLinks(Path root, String kind) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                if (!Files.isSymbolicLink(path)) {
                    continue;
                }
                Path real;
                try {
                    real = path.toRealPath();
                } catch (IOException e) {
                    throw new IOException(kind + " archive entry '" + root.relativize(path)
                            + "' is a link to nothing in the " + kind);
                }
                if (!real.startsWith(root)) {
                    throw new IOException(kind + " archive entry '" + root.relativize(path)
                            + "' links outside the " + kind);
                }
            }
        }
    }

    /** The entry's path below the root; null for the root itself. Absolute names and {@code ..} are refused. */
    private static Path relativeName(String name, String kind) throws IOException {
        String trimmed = name;
        while (trimmed.startsWith("./")) {
            trimmed = trimmed.substring(2);
        }
        if (trimmed.isEmpty() || trimmed.equals(".")) {
            return null;
        }
        if (trimmed.startsWith("/")) {
            throw new IOException(kind + " archive entry '" + name + "' has an absolute name");
        }
        for (String part : trimmed.split("/")) {
            if (part.equals("..")) {
                throw new IOException(kind + " archive entry '" + name + "' leaves the " + kind);
            }
        }
        try {
            return Path.of(trimmed).normalize();
        } catch (InvalidPathException e) {
            throw new IOException(kind + " archive entry '" + name + "' is not a valid path");
        }
    }

    private static void executable(Path file) throws IOException {
        try {
            Set<PosixFilePermission> permissions = EnumSet.copyOf(Files.getPosixFilePermissions(file));
            permissions.add(PosixFilePermission.OWNER_EXECUTE);
            permissions.add(PosixFilePermission.GROUP_EXECUTE);
            permissions.add(PosixFilePermission.OTHERS_EXECUTE);
            Files.setPosixFilePermissions(file, permissions);
        } catch (UnsupportedOperationException e) {
            file.toFile().setExecutable(true, false);
        }
    }
}
