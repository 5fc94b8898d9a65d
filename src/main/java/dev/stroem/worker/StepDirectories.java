package dev.stroem.worker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The step directories of one worker. A step's folders are made fresh for it and gone when it
 * ends, as before; what is kept between steps is only the empty skeleton — the step's root and its
 * five empty state and artifact folders — never anything a step wrote: its checkout (its working
 * directory) is made new for every step, and every file a step left anywhere is deleted when it
 * ends.
 *
 * <p>Why: each directory made and deleted costs the file system an inode. On ext4 without a
 * journal (as on this project's benchmark machine) allocating one scans past every inode deleted in
 * the last minutes: seven directories per step cost about 2 ms of CPU per step there, ten times a
 * tmpfs. Reusing the skeleton makes a trivial step create three inodes instead of nine.
 *
 * <p>A skeleton is reused only when it is exactly as made: its five folders are real directories
 * (not links a script put there) and empty, checked again when it is taken; anything else — a step
 * whose output was still held by a process that left its group, a folder that cannot be emptied —
 * deletes it as before.
 */
final class StepDirectories {

    private static final Logger log = LoggerFactory.getLogger(StepDirectories.class);
    /** More idle skeletons than this are deleted (more steps than this never ran at once). */
    static final int MAX_IDLE = 64;

    private final Path workDir;
    private final ConcurrentLinkedQueue<StepDirectory> idle = new ConcurrentLinkedQueue<>();
    private final AtomicInteger idleCount = new AtomicInteger();

    StepDirectories(Path workDir) {
        this.workDir = workDir;
    }

    /** A step directory with every folder made and empty: a kept skeleton, or a new one. */
    StepDirectory acquire() throws IOException {
        StepDirectory kept;
        while ((kept = idle.poll()) != null) {
            idleCount.decrementAndGet();
            // Checked again: something may have written into it since it was put back.
            if (pristine(kept)) {
                try {
                    Files.createDirectory(kept.workspace());
                    return kept;
                } catch (IOException e) {
                    log.debug("Cannot reuse the step directory {}: {}", kept.root(), e.getMessage());
                }
            }
            StepProcess.deleteTree(kept.root());
        }
        return StepDirectory.create(workDir);
    }

    /**
     * The step is over: everything it wrote is deleted; the skeleton is kept for the next step when
     * {@code reusable} (no process outside the step's group holds on to it) and it can be emptied.
     */
    void release(StepDirectory dir, boolean reusable) {
        if (reusable && idleCount.get() < MAX_IDLE && emptied(dir)) {
            idleCount.incrementAndGet();
            idle.add(dir);
            return;
        }
        StepProcess.deleteTree(dir.root());
    }

    /** Deletes the kept skeletons (the worker stops). */
    void discardIdle() {
        StepDirectory kept;
        while ((kept = idle.poll()) != null) {
            idleCount.decrementAndGet();
            StepProcess.deleteTree(kept.root());
        }
    }

    /** How many skeletons are kept (for tests). */
    int idle() {
        return idleCount.get();
    }

    /** Deletes all but the skeleton: the checkout, scripts and scratch files in the root, every folder's content. */
    private static boolean emptied(StepDirectory dir) {
        var keep = dir.reusedFolders();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir.root())) {
            for (Path entry : entries) {
                if (keep.contains(entry) && Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                    try (DirectoryStream<Path> content = Files.newDirectoryStream(entry)) {
                        for (Path p : content) {
                            deleteOrThrow(p);
                        }
                    }
                } else {
                    deleteOrThrow(entry);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            log.debug("Cannot empty the step directory {} for reuse: {}", dir.root(), e.getMessage());
            return false;
        }
        return pristine(dir);
    }

    /** The five folders are real, empty directories and there is nothing else in the root. */
    private static boolean pristine(StepDirectory dir) {
        List<Path> keep = dir.reusedFolders();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir.root())) {
            int count = 0;
            for (Path entry : entries) {
                if (!keep.contains(entry) || !Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                    return false;
                }
                try (DirectoryStream<Path> content = Files.newDirectoryStream(entry)) {
                    if (content.iterator().hasNext()) {
                        return false;
                    }
                }
                count++;
            }
            return count == keep.size();
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
    }

    /** Deletes a file, a link (never what it points to) or a whole directory tree. */
    private static void deleteOrThrow(Path p) throws IOException {
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            try (DirectoryStream<Path> content = Files.newDirectoryStream(p)) {
                for (Path child : content) {
                    deleteOrThrow(child);
                }
            }
        }
        Files.delete(p);
    }
}
