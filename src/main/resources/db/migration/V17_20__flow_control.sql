-- Conditions, loops and retries (issue 17), the original's columns in the portable schema:
-- times are epoch milliseconds (BIGINT), JSON is TEXT, booleans are INTEGER 0/1.

-- The step's `when` expression as written, evaluated once its dependencies are satisfied.
ALTER TABLE job_steps ADD COLUMN when_condition TEXT;
-- A loop placeholder: its `for_each` (a template, or a literal JSON array) and `sequential`.
ALTER TABLE job_steps ADD COLUMN for_each_expr TEXT;
ALTER TABLE job_steps ADD COLUMN sequential INTEGER NOT NULL DEFAULT 0;
-- A loop instance `name[i]`: its placeholder, position, the loop's size and its item (JSON).
ALTER TABLE job_steps ADD COLUMN loop_source TEXT;
ALTER TABLE job_steps ADD COLUMN loop_index INTEGER;
ALTER TABLE job_steps ADD COLUMN loop_total INTEGER;
ALTER TABLE job_steps ADD COLUMN loop_item TEXT;
-- Step retry: the attempt that runs (0 = first), the policy (max_retries = max_attempts - 1;
-- NULL = no retry), earlier attempts (JSON list) and the earliest time a retry may be claimed.
ALTER TABLE job_steps ADD COLUMN retry_attempt INTEGER NOT NULL DEFAULT 0;
ALTER TABLE job_steps ADD COLUMN max_retries INTEGER;
ALTER TABLE job_steps ADD COLUMN retry_backoff_secs BIGINT;
ALTER TABLE job_steps ADD COLUMN retry_strategy TEXT;
ALTER TABLE job_steps ADD COLUMN retry_jitter INTEGER NOT NULL DEFAULT 0;
ALTER TABLE job_steps ADD COLUMN retry_history TEXT;
ALTER TABLE job_steps ADD COLUMN retry_at BIGINT;

-- Task retry: a failed job with attempts left gets a new job (source_type 'retry') once
-- retry_due_at has passed; retry_job_id is set in the transaction that creates it, so it is
-- created exactly once, also across a restart.
ALTER TABLE jobs ADD COLUMN retry_of_job_id TEXT;
ALTER TABLE jobs ADD COLUMN retry_job_id TEXT;
ALTER TABLE jobs ADD COLUMN retry_attempt INTEGER NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN max_retries INTEGER;
ALTER TABLE jobs ADD COLUMN retry_backoff_secs BIGINT;
ALTER TABLE jobs ADD COLUMN retry_strategy TEXT;
ALTER TABLE jobs ADD COLUMN retry_jitter INTEGER NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN retry_due_at BIGINT;
CREATE INDEX jobs_retry_due ON jobs (retry_due_at);
CREATE INDEX job_steps_loop_source ON job_steps (job_id, loop_source);
