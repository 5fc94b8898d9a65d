package dev.stroem.jobs.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * V19_70: a step's start no longer marks its job running (its claim does), so a database written
 * by a server whose claims did not is brought to what those starts would have made of it.
 */
class ClaimedJobsRunningMigrationTest {

    private static final String MIGRATION = "V19_70__claimed_jobs_running.sql";

    @TempDir
    Path dir;

    @Test
    void aPendingJobWithAClaimedStepIsRunningSinceItsClaimAndNoOtherJobChanges() throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("stroem.db");
        Flyway.configure().dataSource(url, null, null).locations("filesystem:" + migrationsBefore70()).load().migrate();
        var jdbi = Jdbi.create(url);
        jdbi.useHandle(h -> {
            insertJob(h, "claimed", "pending", null);
            insertStep(h, "claimed", "a", "completed", "w1", 1_000L);
            insertStep(h, "claimed", "b", "running", "w1", 2_000L);
            insertJob(h, "waiting", "pending", null);
            insertStep(h, "waiting", "a", "ready", null, null);
            // A loop placeholder runs without a worker: that alone is no claim.
            insertJob(h, "loop", "pending", null);
            insertStep(h, "loop", "each", "running", null, null);
            insertJob(h, "started", "running", 500L);
            insertStep(h, "started", "a", "running", "w1", 3_000L);
        });

        try (Database db = Database.open("sqlite:" + dir.resolve("stroem.db"))) {
            Map<String, List<Object>> jobs = jdbi.withHandle(h -> h
                    .createQuery("SELECT job_id, status, started_at FROM jobs")
                    .reduceRows(new java.util.HashMap<String, List<Object>>(), (map, row) -> {
                        map.put(row.getColumn("job_id", String.class), java.util.Arrays.asList(
                                row.getColumn("status", String.class), row.getColumn("started_at", Long.class)));
                        return map;
                    }));
            assertThat(jobs).containsEntry("claimed", java.util.Arrays.asList("running", 1_000L))
                    .containsEntry("waiting", java.util.Arrays.asList("pending", null))
                    .containsEntry("loop", java.util.Arrays.asList("pending", null))
                    .containsEntry("started", java.util.Arrays.asList("running", 500L));
        }
    }

    /** Every migration of this build except V19_70 and the ones numbered after it. */
    private Path migrationsBefore70() throws IOException, URISyntaxException {
        Path source = Path.of(getClass().getResource("/db/migration/" + MIGRATION).toURI()).getParent();
        Path before = Files.createDirectories(dir.resolve("before-v19-70"));
        try (Stream<Path> files = Files.list(source)) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                if (version(name) < version(MIGRATION)) {
                    Files.copy(file, before.resolve(name));
                }
            }
        }
        return before;
    }

    /** V19_70__x.sql → 19.70 as a comparable number (major * 10,000 + minor). */
    private static long version(String name) {
        String[] parts = name.substring(1, name.indexOf("__")).split("_");
        return Long.parseLong(parts[0]) * 10_000 + (parts.length > 1 ? Long.parseLong(parts[1]) : 0);
    }

    private static void insertJob(org.jdbi.v3.core.Handle h, String id, String status, Long startedAt) {
        h.createUpdate("INSERT INTO jobs (job_id, workspace, task_name, status, input, source_type, created_at, "
                        + "started_at) VALUES (:id, 'ws', 'task', :status, '{}', 'api', 0, :started)")
                .bind("id", id)
                .bind("status", status)
                .bind("started", startedAt)
                .execute();
    }

    private static void insertStep(org.jdbi.v3.core.Handle h, String job, String step, String status, String worker,
            Long claimedAt) {
        h.createUpdate("INSERT INTO job_steps (job_id, step_name, position, action_name, action_type, depends_on, "
                        + "continue_on_failure, required_tags, status, worker_id, claimed_at) VALUES (:job, :step, 0, "
                        + "'act', 'script', '[]', 0, '[]', :status, :worker, :claimed)")
                .bind("job", job)
                .bind("step", step)
                .bind("status", status)
                .bind("worker", worker)
                .bind("claimed", claimedAt)
                .execute();
    }
}
