package dev.stroem.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ProcessGroupProbeTest {

    @Test
    void aGroupWithARunningMemberHasMembersAndAnEndedGroupHasNone() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setsid")), "setsid is installed");
        // setsid makes the sleep lead a group of its own: pgid = its pid.
        Process leader = new ProcessBuilder("/usr/bin/setsid", "sleep", "1000").start();
        try {
            assertThat(ProcessGroupProbe.hasMembers(leader.pid())).isEqualTo(Optional.of(true));
        } finally {
            leader.destroyForcibly();
        }
        assertThat(leader.waitFor(30, TimeUnit.SECONDS)).isTrue();

        assertThat(ProcessGroupProbe.hasMembers(leader.pid())).isEqualTo(Optional.of(false));
    }

    @Test
    void pidsThatNameNoOrdinaryGroupAreNotAsked() {
        assertThat(ProcessGroupProbe.hasMembers(0)).isEmpty();
        assertThat(ProcessGroupProbe.hasMembers(1)).isEmpty();
        assertThat(ProcessGroupProbe.hasMembers(-5)).isEmpty();
    }
}
