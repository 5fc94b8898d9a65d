package dev.stroem.storage;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.UUID;

/**
 * The {@code archive.type: local} backend: the object under key {@code k} is the file
 * {@code {path}/k}, directories created as needed. Writes are atomic (a temporary file in the
 * same directory, fsynced, then moved into place), so a reader sees the whole object or none.
 * Keys are normalised and must stay inside {@code path}.
 */
public final class LocalDirectoryStore implements ObjectStore {

    private final Path root;

    /** An archive in directory {@code path} (created when missing). */
    public LocalDirectoryStore(Path path) {
        this.root = path.toAbsolutePath().normalize();
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the archive directory " + root, e);
        }
    }

    @Override
    public void put(String key, ContentWriter content) {
        Path target = resolve(key);
        Path tmp = null;
        try {
            Files.createDirectories(target.getParent());
            // Not createTempFile: its owner-only permissions would stick to the archived object.
            tmp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".part");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 256 * 1024);
                try (UnclosableStream guarded = new UnclosableStream(out)) {
                    content.writeTo(guarded);
                }
                out.flush();
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new StorageException("the archive directory " + root + " does not support atomic renames", e);
            }
            tmp = null;
            fsyncDirectory(target.getParent());
        } catch (IOException e) {
            throw new StorageException("cannot write " + key + " to the local archive " + root + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the failure being reported matters more than a leftover temp file
                }
            }
        }
    }

    @Override
    public Optional<InputStream> open(String key) {
        try {
            return Optional.of(Files.newInputStream(resolve(key)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new StorageException("cannot read " + key + " from the local archive " + root + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void delete(String key) {
        try {
            Files.deleteIfExists(resolve(key));
        } catch (IOException e) {
            throw new StorageException("cannot delete " + key + " from the local archive " + root + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String describe() {
        return "local:" + root;
    }

    /** The file of {@code key}; rejects keys that are empty, absolute, or would leave the archive directory. */
    Path resolve(String key) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("invalid archive key: must not be empty");
        }
        if (key.startsWith("/") || key.indexOf('\\') >= 0 || key.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("invalid archive key \"" + key.replace("\0", "\\0")
                    + "\": must be a relative path of '/'-separated names");
        }
        for (String segment : key.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException("invalid archive key \"" + key
                        + "\": must not contain empty, '.' or '..' segments");
            }
        }
        Path path = root.resolve(key).normalize();
        if (!path.startsWith(root) || path.equals(root)) {
            throw new IllegalArgumentException("invalid archive key \"" + key + "\": leaves the archive directory");
        }
        return path;
    }

    private static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some platforms cannot open directories; the rename itself already happened.
        }
    }

    /** Lets the writer "close" its stream without closing ours before the fsync. */
    private static final class UnclosableStream extends java.io.FilterOutputStream {
        UnclosableStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}
