package dev.stroem.worker;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A step's process and everything it started. When the step runs under {@code setsid} it leads
 * its own process group (pgid = its pid), so the group reaches background children even after
 * their parent exited; the descendants the JVM can still see are signalled as well, which is all
 * there is when {@code setsid} is missing.
 */
final class ProcessTree {

    private static final Logger log = LoggerFactory.getLogger(ProcessTree.class);
    private static final Path PROC = Path.of("/proc");

    private final Process root;
    private final boolean ownGroup;
    private final String killCommand;

    ProcessTree(Process root, boolean ownGroup, String killCommand) {
        this.root = root;
        this.ownGroup = ownGroup && killCommand != null;
        this.killCommand = killCommand;
    }

    /**
     * SIGTERM to the whole tree, then SIGKILL to whatever is still there after {@code grace}.
     * Returns once the signals are sent; the caller waits for the root itself.
     */
    void terminate(Duration grace) throws InterruptedException {
        List<ProcessHandle> members = new ArrayList<>();
        root.descendants().forEach(members::add);
        members.add(root.toHandle());
        boolean groupSignalled = ownGroup && signalGroup("TERM");
        for (ProcessHandle member : members) {
            // A second SIGTERM can land while the step's own TERM trap runs and run it again:
            // only members that left the group (their own setsid) get one of their own.
            if (!groupSignalled || !inGroup(member)) {
                member.destroy();
            }
        }

        long deadline = System.nanoTime() + grace.toNanos();
        while (System.nanoTime() < deadline
                && (members.stream().anyMatch(ProcessTree::running) || (groupSignalled && groupAlive()))) {
            TimeUnit.MILLISECONDS.sleep(50);
        }
        if (ownGroup) {
            signalGroup("KILL");
        }
        root.descendants().forEach(ProcessHandle::destroyForcibly);
        members.forEach(ProcessHandle::destroyForcibly);
    }

    /** Whether processes of the step's group remain after its root exited (background children). */
    boolean hasLeftovers() {
        if (!ownGroup) {
            return root.descendants().findAny().isPresent();
        }
        // The common case, a group that is empty, is told by one system call; a group with members
        // may hold only zombies, which the scan of /proc tells apart.
        return !ProcessGroupProbe.hasMembers(root.pid()).equals(java.util.Optional.of(false)) && groupAlive();
    }

    /** Whether the process runs: an exited one that is not reaped yet (a zombie) does not. */
    static boolean running(ProcessHandle process) {
        Path stat = PROC.resolve(Long.toString(process.pid())).resolve("stat");
        if (!Files.isDirectory(PROC)) {
            return process.isAlive();
        }
        try {
            String[] fields = statFields(Files.readString(stat));
            return !fields[0].equals("Z") && !fields[0].equals("X");
        } catch (IOException gone) {
            return false;
        }
    }

    /** Whether the process is in the step's group (or gone: nothing to signal either way). */
    private boolean inGroup(ProcessHandle process) {
        try {
            String[] fields = statFields(Files.readString(PROC.resolve(Long.toString(process.pid())).resolve("stat")));
            return fields.length >= 3 && fields[2].equals(Long.toString(root.pid()));
        } catch (IOException gone) {
            return true;
        }
    }

    /** The fields of /proc/N/stat after "pid (comm) ", whose comm may hold spaces and parentheses. */
    private static String[] statFields(String stat) {
        return stat.substring(stat.lastIndexOf(')') + 2).split(" ", 4);
    }

    /** Sends a signal to the process group; true when at least one process received it. */
    private boolean signalGroup(String signal) throws InterruptedException {
        try {
            Process kill = new ProcessBuilder(killCommand, "-s", signal, "--", "-" + root.pid())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return kill.waitFor() == 0;
        } catch (IOException e) {
            log.warn("Cannot signal process group {} with SIG{}: {}", root.pid(), signal, e.getMessage());
            return false;
        }
    }

    /**
     * Whether a live (not zombie) process is in the step's group. Zombies are dead: they only wait
     * to be reaped by their parent, which in a container may never happen.
     */
    private boolean groupAlive() {
        if (!Files.isDirectory(PROC)) {
            return root.isAlive();
        }
        String group = Long.toString(root.pid());
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC, "[0-9]*")) {
            for (Path entry : entries) {
                String stat;
                try {
                    stat = Files.readString(entry.resolve("stat"));
                } catch (IOException gone) {
                    continue;
                }
                String[] fields = statFields(stat); // state ppid pgrp ...
                if (fields.length >= 3 && fields[2].equals(group) && !fields[0].equals("Z") && !fields[0].equals("X")) {
                    return true;
                }
            }
        } catch (IOException e) {
            return root.isAlive();
        }
        return false;
    }
}
