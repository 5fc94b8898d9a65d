package dev.stroem.worker;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the kernel whether a process group has members: {@code kill(-pgid, 0)}, which sends no
 * signal. It costs a system call, where finding the group's members means reading the
 * {@code stat} of every process on the machine (milliseconds of CPU per step on a busy host).
 * A zombie still counts as a member, so "yes" only means "look closer"; "no" is final.
 */
final class ProcessGroupProbe {

    private static final Logger log = LoggerFactory.getLogger(ProcessGroupProbe.class);
    private static final int ESRCH = 3;
    private static final int EPERM = 1;

    private interface LibC extends Library {
        int kill(int pid, int signal) throws LastErrorException;
    }

    private static final LibC LIBC = load();

    private ProcessGroupProbe() {}

    private static LibC load() {
        try {
            return Native.load("c", LibC.class);
        } catch (LinkageError | RuntimeException e) {
            // No native access (an unusual platform, a read-only temp dir): callers read /proc instead.
            log.debug("kill(2) is not available through JNA; process groups are looked up in /proc: {}", e.toString());
            return null;
        }
    }

    /**
     * Whether process group {@code pgid} has at least one member (possibly a zombie); empty when
     * the kernel cannot be asked this way.
     */
    static Optional<Boolean> hasMembers(long pgid) {
        if (LIBC == null || pgid <= 1 || pgid > Integer.MAX_VALUE) {
            return Optional.empty();
        }
        try {
            LIBC.kill((int) -pgid, 0);
            return Optional.of(true);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == ESRCH) {
                return Optional.of(false);
            }
            if (e.getErrorCode() == EPERM) {
                return Optional.of(true); // a member this user may not signal: it exists
            }
            return Optional.empty();
        } catch (LinkageError | RuntimeException e) {
            return Optional.empty();
        }
    }
}
