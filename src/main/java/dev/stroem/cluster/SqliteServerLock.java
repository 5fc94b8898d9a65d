package dev.stroem.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * SQLite is the single-node database: one server per database file. A server on SQLite holds an
 * exclusive lock on {@code {file}.server-lock} for as long as it runs, and a second server pointed
 * at the same file refuses to start with a clear error instead of sharing it (SQLite would not
 * corrupt, but two servers' sweepers, leases and in-memory live logs would disagree).
 */
public final class SqliteServerLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private SqliteServerLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * @throws IllegalStateException when another server holds the database
     */
    public static SqliteServerLock acquire(Path databaseFile) {
        Path lockFile = databaseFile.toAbsolutePath().resolveSibling(databaseFile.getFileName() + ".server-lock");
        FileChannel channel = null;
        try {
            java.nio.file.Files.createDirectories(lockFile.getParent());
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // held by another server in this same process
            }
            if (lock == null) {
                throw new IllegalStateException("another Strøm server already uses the SQLite database "
                        + databaseFile.toAbsolutePath() + "; SQLite serves one server only: give each server its own "
                        + "db.url, or run several replicas on PostgreSQL (docs/operations.md, \"Running several replicas\")");
            }
            return new SqliteServerLock(channel, lock);
        } catch (IOException e) {
            close(channel);
            throw new UncheckedIOException("cannot lock the SQLite database " + databaseFile + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            close(channel);
            throw e;
        }
    }

    private static void close(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing held
            }
        }
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
