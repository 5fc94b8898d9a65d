package dev.stroem.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerEventsTest {

    @TempDir
    Path dir;

    @Test
    void writesAServerStepStderrLinePrefixedWithItsSource() throws Exception {
        LocalLogStore store = new LocalLogStore(dir);
        Clock clock = Clock.fixed(Instant.parse("2025-02-12T10:56:45.123456Z"), ZoneOffset.UTC);
        ServerEvents events = new ServerEvents(store, clock);

        events.write("job", null, "hooks", "on_error hook \"notify\" failed: exit code 1");

        assertThat(Files.readString(dir.resolve("job.jsonl"))).isEqualTo(
                "{\"ts\":\"2025-02-12T10:56:45.123Z\",\"stream\":\"stderr\",\"step\":\"_server\","
                        + "\"line\":\"[hooks] on_error hook \\\"notify\\\" failed: exit code 1\"}\n");
        assertThat(TestLines.drain(store.read("job", LogQuery.all().withStep("_server")))).hasSize(1);
        assertThatThrownBy(() -> events.write("job", null, " ", "x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anEventRepeatedWithItsIdIsWrittenOnce() {
        LocalLogStore store = new LocalLogStore(dir);
        ServerEvents events = new ServerEvents(store, Clock.systemUTC());

        var first = events.write("job", "finalize:job:on_success[0]", "hooks", "Hook 'notify' failed: exit code 1");
        // The finaliser retries after a failure: same event id, a later timestamp.
        var retry = events.write("job", "finalize:job:on_success[0]", "hooks", "Hook 'notify' failed: exit code 1");

        assertThat(first.duplicate()).isFalse();
        assertThat(retry.duplicate()).isTrue();
        assertThat(TestLines.drain(store.read("job", LogQuery.all().withStep("_server")))).hasSize(1);
    }
}
