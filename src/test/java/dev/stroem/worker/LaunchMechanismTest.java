package dev.stroem.worker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LaunchMechanismTest {

    @Test
    void aWorkerOnLinuxWithJdk17To24StartsStepsWithoutTheSpawnHelper() {
        assertThat(LaunchMechanism.choose("Linux", 17, null)).contains("VFORK");
        assertThat(LaunchMechanism.choose("Linux", 24, null)).contains("VFORK");
    }

    @Test
    void fromJdk25OnTheJdksDefaultStands() {
        // JDK 25 deprecates VFORK and a later JDK removes it: naming it there would break every step.
        assertThat(LaunchMechanism.choose("Linux", 25, null)).isEmpty();
        assertThat(LaunchMechanism.choose("Linux", 27, null)).isEmpty();
    }

    @Test
    void whatTheUserSetStandsAndOtherSystemsKeepTheirDefault() {
        assertThat(LaunchMechanism.choose("Linux", 17, "POSIX_SPAWN")).isEmpty();
        assertThat(LaunchMechanism.choose("Linux", 17, "FORK")).isEmpty();
        assertThat(LaunchMechanism.choose("Mac OS X", 17, null)).isEmpty();
        assertThat(LaunchMechanism.choose(null, 17, null)).isEmpty();
    }
}
