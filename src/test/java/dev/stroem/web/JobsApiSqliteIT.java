package dev.stroem.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.DriverManager;
import org.junit.jupiter.api.Test;

class JobsApiSqliteIT extends JobsApiContract {
    @Override
    TestDatabase database(Path dir) {
        return TestDatabase.sqlite(dir);
    }

    @Test
    void theEmbeddedDatabaseRunsInWalMode() throws Exception {
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("db").resolve("stroem.db"));
                var st = c.createStatement();
                var rs = st.executeQuery("PRAGMA journal_mode")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("wal");
        }
    }
}
