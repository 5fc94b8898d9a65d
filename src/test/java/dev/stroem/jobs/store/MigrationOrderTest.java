package dev.stroem.jobs.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MigrationOrderTest {

    @TempDir
    Path dir;

    @Test
    void aDatabaseThatRanALaterNumberedMigrationStillTakesAnEarlierOneThatLandedAfterIt() throws IOException {
        // The state of a server that was upgraded between two lands: V16_1 applied, V15_* not yet there.
        Path early = Files.createDirectories(dir.resolve("without-v15"));
        for (String name : List.of("V1__jobs_steps_workers.sql", "V11_1__job_logs.sql", "V16_1__job_and_step_shapes.sql")) {
            try (InputStream in = getClass().getResourceAsStream("/db/migration/" + name)) {
                Files.copy(in, early.resolve(name));
            }
        }
        String url = "jdbc:sqlite:" + dir.resolve("stroem.db");
        Flyway.configure().dataSource(url, null, null).locations("filesystem:" + early).load().migrate();

        try (Database db = Database.open("sqlite:" + dir.resolve("stroem.db"))) {
            List<String> applied = Jdbi.create(url).withHandle(h -> h
                    .createQuery("SELECT version FROM flyway_schema_history WHERE success ORDER BY installed_rank")
                    .mapTo(String.class).list());
            assertThat(applied).contains("16.1", "15.1", "15.2");
        }
    }
}
