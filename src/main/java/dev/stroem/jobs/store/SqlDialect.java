package dev.stroem.jobs.store;

import org.jdbi.v3.core.Handle;

/** What differs between the two databases we run on; everything else is portable SQL. */
sealed interface SqlDialect permits SqlDialect.Sqlite, SqlDialect.Postgres {

    /**
     * Serialises changes to one job's steps within the current transaction, so that two steps of
     * the same job finishing at once cannot both miss the moment their dependant became ready.
     */
    void lockJob(Handle handle, String jobId);

    /** Appended to a SELECT of rows to claim: lets concurrent claimers pass over each other's rows. */
    String skipLocked();

    /** SQLite runs every transaction as BEGIN IMMEDIATE, which already serialises writers. */
    record Sqlite() implements SqlDialect {
        @Override
        public void lockJob(Handle handle, String jobId) {}

        @Override
        public String skipLocked() {
            return "";
        }
    }

    /** Several servers may share one PostgreSQL: a row lock on the job serialises them. */
    record Postgres() implements SqlDialect {
        @Override
        public void lockJob(Handle handle, String jobId) {
            handle.createQuery("SELECT job_id FROM jobs WHERE job_id = :id FOR UPDATE")
                    .bind("id", jobId)
                    .mapTo(String.class)
                    .findOne();
        }

        @Override
        public String skipLocked() {
            return " FOR UPDATE SKIP LOCKED";
        }
    }
}
