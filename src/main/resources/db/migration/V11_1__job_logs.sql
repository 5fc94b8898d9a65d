-- One durable row per job's log (replaces the archive queue log_archives): where the log stands
-- from the job's creation to its archive, so that every part re-reads the state instead of
-- relying on an in-memory event. States:
--   live        the job runs; lines may come
--   finalising  the job ended; hooks fire, their events may still come
--   complete    finalised, and no archive is configured: nothing more to do
--   archiving   finalised; an upload of `generation` is due (or runs, under a lease)
--   archived    the archive holds the log up to `archived_generation` (= generation)
--   failing     the last upload failed; retried at next_attempt_at
--   missing     nothing to upload was found (no local log, no earlier archive); retried later
-- A line written after finalisation bumps `generation`, and the log is uploaded again.
CREATE TABLE job_logs (
    job_id              TEXT PRIMARY KEY REFERENCES jobs (job_id) ON DELETE CASCADE,
    state               TEXT    NOT NULL,
    generation          INTEGER NOT NULL,
    attempts            INTEGER NOT NULL,
    last_error          TEXT,
    next_attempt_at     BIGINT,
    -- The node working on the upload and until when; another node may take over after that.
    lease_owner         TEXT,
    lease_until         BIGINT,
    -- The key the log was archived under, prefix included: reads and retention use it even after
    -- archive.prefix changed.
    archive_key         TEXT,
    archived_at         BIGINT,
    archived_bytes      BIGINT,
    archived_lines      BIGINT,
    archived_generation INTEGER
);
CREATE INDEX job_logs_due ON job_logs (state, next_attempt_at);

INSERT INTO job_logs (job_id, state, generation, attempts, last_error, next_attempt_at, archive_key, archived_at,
                      archived_bytes, archived_generation)
SELECT j.job_id,
       CASE WHEN a.state = 'pending' THEN 'archiving'
            WHEN a.state IS NOT NULL THEN a.state
            WHEN j.finalize_state = 'done' THEN 'complete'
            WHEN j.finalize_state = 'hooks' THEN 'finalising'
            WHEN j.status IN ('completed', 'failed', 'cancelled') THEN 'complete'
            ELSE 'live' END,
       COALESCE(a.generation, 0), COALESCE(a.attempts, 0), a.last_error, a.next_attempt_at, a.archive_key,
       a.archived_at, a.archived_bytes, a.archived_generation
FROM jobs j LEFT JOIN log_archives a ON a.job_id = j.job_id;

DROP TABLE log_archives;
