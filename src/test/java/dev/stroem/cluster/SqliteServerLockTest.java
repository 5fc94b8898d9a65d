package dev.stroem.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteServerLockTest {
    @TempDir
    Path dir;

    @Test
    void aSecondServerOnTheSameSqliteFileIsRefusedWithAClearError_untilTheFirstStops() throws Exception {
        Path db = dir.resolve("data/stroem.db");
        var first = SqliteServerLock.acquire(db);

        assertThatThrownBy(() -> SqliteServerLock.acquire(db))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("another Strøm server already uses the SQLite database")
                .hasMessageContaining(db.toString())
                .hasMessageContaining("PostgreSQL");

        first.close();
        SqliteServerLock.acquire(db).close();
        assertThat(dir.resolve("data/stroem.db.server-lock")).exists();
    }
}
