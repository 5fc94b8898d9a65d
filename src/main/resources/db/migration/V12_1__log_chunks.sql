-- Scale-out (issue 12): every acknowledged log batch of a job as one row, written in the same
-- transaction that records its batch id, so "acknowledged" means "visible to every replica".
-- `seq` orders a job's chunks (1, 2, 3, … without gaps); `first_line` is the index of the chunk's
-- first line in the job's log, so a replica fills its local cache by sequence and every replica
-- numbers lines alike. `jsonl` holds the chunk's lines as the spec's JSONL text (valid UTF-8,
-- no NUL: JSON escapes control characters), which both databases store as TEXT.
-- Chunks are deleted once the job's archive is confirmed (kept until retention without one).
CREATE TABLE log_chunks (
    job_id     TEXT    NOT NULL REFERENCES jobs (job_id) ON DELETE CASCADE,
    seq        BIGINT  NOT NULL,
    first_line BIGINT  NOT NULL,
    line_count INTEGER NOT NULL,
    batch_id   TEXT    NOT NULL,
    jsonl      TEXT    NOT NULL,
    PRIMARY KEY (job_id, seq)
);
CREATE UNIQUE INDEX log_chunks_batch ON log_chunks (job_id, batch_id);
