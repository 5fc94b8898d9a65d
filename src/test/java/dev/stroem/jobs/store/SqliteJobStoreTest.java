package dev.stroem.jobs.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stroem.jobs.JobStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class SqliteJobStoreTest extends JobStoreContract {
    private Path dir;

    @Override
    Database openDatabase() {
        try {
            dir = Files.createTempDirectory("stroem-sqlite");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Database.open("sqlite:" + dir.resolve("nested/stroem.db"));
    }

    @Test
    void theDatabaseRunsInWalModeAndSurvivesReopening() {
        String journal = db.jdbi().withHandle(h -> h.createQuery("PRAGMA journal_mode").mapTo(String.class).one());
        assertThat(journal).isEqualToIgnoringCase("wal");

        jobs.createJob(newJob("kept", "t", T0), diamond());
        jobs.inJob("kept", tx -> tx.finishJob(JobStatus.FAILED, "x", null, T0));
        db.close();

        db = Database.open("sqlite:" + dir.resolve("nested/stroem.db"));
        var reopened = new JobStore(db, new com.fasterxml.jackson.databind.ObjectMapper());
        assertThat(reopened.findJob("kept").orElseThrow().status()).isEqualTo(JobStatus.FAILED);
        assertThat(reopened.steps("kept")).hasSize(4);
        jobs = reopened;
        workers = new WorkerStore(db, new com.fasterxml.jackson.databind.ObjectMapper());
        archives = new LogStateStore(db);
        assertThat(List.of(db.isReachable())).containsExactly(true);
    }
}
