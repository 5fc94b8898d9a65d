-- Task and global state (issue 14): snapshots a task leaves for its next run, newest last. The
-- snapshot's object (a gzip tarball) is complete in the state store before its row is written, so
-- a reader of the latest row always finds a whole snapshot: the old one or the new one.
CREATE TABLE state_snapshots (
    snapshot_id TEXT PRIMARY KEY,
    workspace   TEXT   NOT NULL,
    -- The task, or '' for the workspace's global state.
    task_name   TEXT   NOT NULL,
    -- The job that wrote it (an upload's audit job); no foreign key: snapshots outlive their jobs.
    job_id      TEXT,
    storage_key TEXT   NOT NULL,
    size_bytes  BIGINT NOT NULL,
    sha256      TEXT   NOT NULL,
    -- The structured state (STATE: lines, upload parameters) as a JSON object, or NULL.
    state_json  TEXT,
    created_at  BIGINT NOT NULL,
    -- Orders snapshots of one scope even within one millisecond.
    seq         BIGINT NOT NULL
);
CREATE INDEX state_snapshots_scope ON state_snapshots (workspace, task_name, seq);
