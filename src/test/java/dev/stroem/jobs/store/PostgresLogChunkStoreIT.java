package dev.stroem.jobs.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The log chunk contract on the machine's PostgreSQL: two pools on one database, as two replicas have. */
class PostgresLogChunkStoreIT extends LogChunkStoreContract {
    private PostgresTestDatabase postgres;

    @Override
    Database openDatabase() {
        postgres = PostgresTestDatabase.create();
        return Database.open(postgres.url());
    }

    @Override
    Database openOtherReplica() {
        return Database.open(postgres.url());
    }

    @Test
    void aChunkIsStoredCompressedWithLz4AndReadsBackWhole() {
        var text = new StringBuilder();
        for (int i = 0; i < 500; i++) {
            text.append("{\"ts\":\"2026-12-01T10:00:00.000Z\",\"stream\":\"stdout\",\"step\":\"s\",\"line\":\"line ")
                    .append(i).append(" of a build that prints the same words again and again\"}\n");
        }
        chunks.append("j1", "b1", 500, text.toString());

        String method = db.jdbi().withHandle(h -> h.createQuery(
                        "SELECT pg_column_compression(jsonl) FROM log_chunks WHERE job_id = 'j1' AND batch_id = 'b1'")
                .mapTo(String.class).one());
        assertThat(method).isEqualTo("lz4");
        assertThat(chunks.after("j1", 0, 10)).singleElement()
                .satisfies(chunk -> assertThat(chunk.jsonl()).isEqualTo(text.toString()));
    }

    @Override
    void closeDatabases() {
        otherReplica.close();
        db.close();
        postgres.close();
    }
}
