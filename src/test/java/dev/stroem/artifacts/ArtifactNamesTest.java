package dev.stroem.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ArtifactNamesTest {
    @Test
    void namesKeepTheirSlashesButNeverClimbOutOrHide() {
        assertThat(ArtifactNames.check("artifact name", "reports/q1.html", true)).isEqualTo("reports/q1.html");
        assertThat(ArtifactNames.check("artifact name", "a..b/.config", true)).isEqualTo("a..b/.config");
        assertThat(ArtifactNames.check("step", "build[0]", false)).isEqualTo("build[0]");
        for (String bad : new String[] {"..", "../x", "a/../b", "a/..", "./a", "a/./b", "/abs", "a//b", "a/", "", "a\\b",
                "nul\u0000", "tab\tname", "bell\u0007", "del\u007f", "c1\u0085"}) {
            assertThatThrownBy(() -> ArtifactNames.check("artifact name", bad, true)).as(bad)
                    .isInstanceOf(ArtifactException.class)
                    .satisfies(e -> assertThat(((ArtifactException) e).kind()).isEqualTo(ArtifactException.Kind.BAD_REQUEST));
        }
        assertThatThrownBy(() -> ArtifactNames.check("step", "a/b", false)).hasMessageContaining("slashes");
        assertThatThrownBy(() -> ArtifactNames.check("artifact name", null, true)).hasMessageContaining("required");
    }
}
