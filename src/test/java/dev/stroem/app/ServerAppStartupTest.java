package dev.stroem.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stroem.config.DbConfig;
import dev.stroem.config.LogStorageConfig;
import dev.stroem.config.ServerConfig;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A server that cannot start leaves nothing open behind it. */
class ServerAppStartupTest {
    @TempDir
    Path dir;

    private ServerConfig config(Path localDir) {
        return new ServerConfig("127.0.0.1:0", new DbConfig("sqlite:" + dir.resolve("stroem.db")), "token",
                new LogStorageConfig(localDir.toString(), null, null, null), null, null, null, null);
    }

    @Test
    void defect11_aStartThatFailsAfterOpeningTheDatabase_releasesIt_soTheCorrectedStartSucceeds() throws Exception {
        // local_dir names a file: the start fails after the database (and its one-server lock) was opened.
        Path notADirectory = Files.writeString(dir.resolve("logs-is-a-file"), "x");
        assertThatThrownBy(() -> ServerApp.start(config(notADirectory), dir))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("cannot create the log directory");

        // Were the pool or the lock leaked, this start would find the database taken.
        try (var server = ServerApp.start(config(dir.resolve("logs")), dir)) {
            assertThat(server.port()).isPositive();
        }
    }
}
