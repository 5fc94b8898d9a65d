-- One schema for SQLite and PostgreSQL: portable types only. Times are epoch milliseconds
-- (BIGINT), JSON documents are TEXT, booleans are INTEGER 0/1.

CREATE TABLE workers (
    worker_id      TEXT PRIMARY KEY,
    name           TEXT    NOT NULL,
    capabilities   TEXT    NOT NULL,
    tags           TEXT    NOT NULL,
    version        TEXT,
    status         TEXT    NOT NULL,
    registered_at  BIGINT  NOT NULL,
    last_heartbeat BIGINT  NOT NULL
);

CREATE TABLE jobs (
    job_id          TEXT PRIMARY KEY,
    workspace       TEXT    NOT NULL,
    task_name       TEXT    NOT NULL,
    status          TEXT    NOT NULL,
    input           TEXT    NOT NULL,
    source_type     TEXT    NOT NULL,
    source_id       TEXT,
    hook_name       TEXT,
    timeout_secs    BIGINT,
    error_message   TEXT,
    cancelled_by    TEXT,
    created_at      BIGINT  NOT NULL,
    started_at      BIGINT,
    completed_at    BIGINT,
    -- Work that must still happen after the job ended: 'hooks' (fire hooks, then archive),
    -- 'done'. NULL while the job runs. Set in the same transaction as the terminal status so
    -- a crash in between loses nothing.
    finalize_state  TEXT
);
CREATE INDEX jobs_created_at ON jobs (created_at);
CREATE INDEX jobs_status ON jobs (status);
CREATE INDEX jobs_task ON jobs (workspace, task_name, created_at);
CREATE INDEX jobs_finalize ON jobs (finalize_state);
-- A hook fires at most once per (original job, hook), even when finalisation is retried.
CREATE UNIQUE INDEX jobs_hook_once ON jobs (source_id, hook_name);

CREATE TABLE job_steps (
    job_id              TEXT    NOT NULL REFERENCES jobs (job_id) ON DELETE CASCADE,
    step_name           TEXT    NOT NULL,
    position            INTEGER NOT NULL,
    action_name         TEXT    NOT NULL,
    action_type         TEXT    NOT NULL,
    depends_on          TEXT    NOT NULL,
    continue_on_failure INTEGER NOT NULL,
    timeout_secs        BIGINT,
    required_tags       TEXT    NOT NULL,
    status              TEXT    NOT NULL,
    worker_id           TEXT,
    ready_at            BIGINT,
    claimed_at          BIGINT,
    started_at          BIGINT,
    completed_at        BIGINT,
    exit_code           INTEGER,
    error_message       TEXT,
    output              TEXT,
    -- Hook jobs are rendered when the hook fires (with the hook.* context); their one step
    -- keeps the rendered action here. NULL for task steps, rendered when a worker claims them.
    rendered_action     TEXT,
    PRIMARY KEY (job_id, step_name)
);
CREATE INDEX job_steps_ready ON job_steps (status, ready_at);
CREATE INDEX job_steps_worker ON job_steps (worker_id, status);

-- The durable archival queue: one row per job whose log must be (re-)archived.
CREATE TABLE log_archives (
    job_id          TEXT PRIMARY KEY REFERENCES jobs (job_id) ON DELETE CASCADE,
    state           TEXT    NOT NULL,
    generation      INTEGER NOT NULL,
    attempts        INTEGER NOT NULL,
    last_error      TEXT,
    next_attempt_at BIGINT  NOT NULL,
    archive_key     TEXT,
    archived_at     BIGINT,
    archived_bytes  BIGINT,
    archived_generation INTEGER
);
CREATE INDEX log_archives_due ON log_archives (state, next_attempt_at);
