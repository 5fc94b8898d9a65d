package dev.stroem.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;

class ArchiveKeyTest {

    @Test
    void followsTheSpecLayoutWithCreationTimeInUtc() {
        // 00:30 at +02:00 is the previous day in UTC
        var created = OffsetDateTime.parse("2025-03-01T00:30:15.999+02:00").toInstant();
        assertThat(ArchiveKey.of("logs/", "default", "hello-world", created, "0b6c3f0e"))
                .isEqualTo("logs/default/hello-world/2025/02/28/2025-02-28T22-30-15_0b6c3f0e.jsonl.gz");
        assertThat(ArchiveKey.of("", "ws", "t", created, "j")).isEqualTo("ws/t/2025/02/28/2025-02-28T22-30-15_j.jsonl.gz");
        assertThat(ArchiveKey.of(null, "ws", "t", created, "j")).startsWith("ws/t/");
    }

    @Test
    void unsafeNamesCannotShapeTheKey() {
        var created = OffsetDateTime.parse("2025-03-01T00:00:00Z").toInstant();
        assertThatThrownBy(() -> ArchiveKey.of("", "../x", "t", created, "j")).hasMessageContaining("workspace");
        assertThatThrownBy(() -> ArchiveKey.of("", "ws", "a/b", created, "j")).hasMessageContaining("task");
        assertThatThrownBy(() -> ArchiveKey.of("", "ws", "t", created, "a\\b")).hasMessageContaining("job id");
        assertThatThrownBy(() -> ArchiveKey.of("../", "ws", "t", created, "j")).hasMessageContaining("prefix");
        assertThatThrownBy(() -> ArchiveKey.of("/abs/", "ws", "t", created, "j")).hasMessageContaining("prefix");
    }
}
