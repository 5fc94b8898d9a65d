package dev.stroem.workflow;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Reads a workspace folder into {@link WorkspaceFiles} at one consistent moment. Files are read
 * one by one while authors may be editing them, so each file is checked again after it was read
 * (size, modification time, identity), and the whole listing once more at the end; when anything
 * changed, the capture starts over. An archive built from a capture is therefore never torn: it is
 * the folder as it was between two checks that agreed.
 */
public final class WorkspaceCapture {

    /** Captures in a row that may find the folder changing before the capture gives up. */
    static final int MAX_ATTEMPTS = 10;

    /** Thrown when the folder cannot be captured: unreadable, too large, or never still. */
    public static final class CaptureException extends IOException {
        CaptureException(String message) {
            super(message);
        }
    }

    private final long maxBytes;
    /** Called with each file's path after it was read; tests edit files there. */
    private final Consumer<Path> afterRead;

    public WorkspaceCapture() {
        this(WorkspaceFiles.MAX_BYTES, path -> {});
    }

    WorkspaceCapture(long maxBytes, Consumer<Path> afterRead) {
        this.maxBytes = maxBytes;
        this.afterRead = afterRead;
    }

    /** What one file looked like when listed: a change in any of these means it was edited. */
    private record Stat(long size, long modifiedNanos, Object key, boolean executable) {}

    private record Listing(Map<String, Stat> files, List<String> symlinks) {}

    /** Reads the folder at {@code root}. */
    public WorkspaceFiles capture(Path folder) throws CaptureException {
        Path root;
        try {
            root = folder.toRealPath(); // a workspace configured through a symlink is that folder
        } catch (IOException e) {
            throw new CaptureException("workspace folder " + folder + " cannot be read: " + e.getMessage());
        }
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            WorkspaceFiles files = attempt(root);
            if (files != null) {
                return files;
            }
        }
        throw new CaptureException("workspace folder " + root + " kept changing during " + MAX_ATTEMPTS
                + " attempts to read it; it is read again on its next change");
    }

    /** One capture; null when something changed meanwhile. */
    private WorkspaceFiles attempt(Path root) throws CaptureException {
        Listing before = list(root);
        long total = before.files().values().stream().mapToLong(Stat::size).sum();
        if (total > maxBytes) {
            throw new CaptureException("workspace folder " + root + " holds " + mib(total) + " MiB of files, more than the "
                    + mib(maxBytes) + " MiB a workspace may have (.git is not counted)");
        }
        var files = new LinkedHashMap<String, WorkspaceFiles.WorkspaceFile>();
        for (var entry : before.files().entrySet()) {
            Path path = root.resolve(entry.getKey());
            byte[] content;
            try {
                content = Files.readAllBytes(path);
            } catch (NoSuchFileException e) {
                return null; // deleted meanwhile
            } catch (IOException e) {
                throw new CaptureException("workspace file " + entry.getKey() + " cannot be read: " + e.getMessage());
            }
            afterRead.accept(path);
            Stat after = stat(path);
            if (after == null || !after.equals(entry.getValue()) || content.length != after.size()) {
                return null;
            }
            files.put(entry.getKey(), new WorkspaceFiles.WorkspaceFile(content, after.executable()));
        }
        Listing end = list(root);
        if (!end.equals(before)) {
            return null; // a file appeared, went away or changed after it was read
        }
        return WorkspaceFiles.of(files, before.symlinks());
    }

    private static String mib(long bytes) {
        return bytes % (1024 * 1024) == 0 ? Long.toString(bytes / (1024 * 1024))
                : String.format(java.util.Locale.ROOT, "%.1f", bytes / (1024.0 * 1024));
    }

    private Listing list(Path root) throws CaptureException {
        var files = new TreeMap<String, Stat>();
        var symlinks = new ArrayList<String>();
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    if (!dir.equals(root) && dir.getFileName().toString().equals(".git")) {
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    String relative = relative(root, file);
                    if (attrs.isSymbolicLink()) {
                        symlinks.add(relative);
                    } else if (attrs.isRegularFile()) {
                        files.put(relative, stat(file, attrs));
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE; // gone meanwhile: the final listing tells
                    }
                    throw e;
                }
            });
        } catch (IOException e) {
            throw new CaptureException("workspace folder " + root + " cannot be read: " + e.getMessage());
        }
        java.util.Collections.sort(symlinks);
        return new Listing(files, symlinks);
    }

    private static Stat stat(Path file) {
        try {
            return stat(file, Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS));
        } catch (IOException e) {
            return null;
        }
    }

    private static Stat stat(Path file, BasicFileAttributes attrs) {
        return new Stat(attrs.size(), attrs.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS),
                Objects.requireNonNullElse(attrs.fileKey(), ""), executable(file));
    }

    private static boolean executable(Path file) {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
            return perms.contains(PosixFilePermission.OWNER_EXECUTE);
        } catch (UnsupportedOperationException | IOException e) {
            return false;
        }
    }

    static String relative(Path root, Path file) {
        return root.relativize(file).toString().replace('\\', '/');
    }
}
