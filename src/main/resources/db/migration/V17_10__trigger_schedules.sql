-- Where each scheduler trigger stands: its next fire time, persisted so that a restart neither
-- fires a slot twice nor forgets one that came due while the server was down (it fires once on
-- start, as the original does). Advanced by compare-and-set on next_fire_at, so of several
-- servers only one moves a trigger past a given slot. cron and timezone are the ones next_fire_at
-- was computed from: when the workflow file changes them, the schedule is recomputed.
-- schedule_id is random per row: a fire's job id is derived from it and the slot, the same on
-- every server and retry, yet never the id of a job of another database or an earlier row.
CREATE TABLE trigger_schedules (
    workspace     TEXT   NOT NULL,
    trigger_name  TEXT   NOT NULL,
    schedule_id   TEXT   NOT NULL,
    cron          TEXT   NOT NULL,
    timezone      TEXT   NOT NULL,
    next_fire_at  BIGINT NOT NULL,
    last_fire_at  BIGINT,
    last_job_id   TEXT,
    PRIMARY KEY (workspace, trigger_name)
);

-- A trigger's concurrency policy and a webhook's job lookups find jobs by their source.
CREATE INDEX jobs_source ON jobs (source_type, source_id, status);
