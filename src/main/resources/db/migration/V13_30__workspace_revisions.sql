-- Workspace revisions (issue 13): the archive workers download for each revision of a workspace,
-- stored once so that every server replica serves the same bytes, and kept while a job that is
-- not over still runs on it. BYTEA is PostgreSQL's binary type; SQLite stores the blob as given.
CREATE TABLE workspace_revisions (
    workspace   TEXT    NOT NULL,
    revision    TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL,
    size_bytes  BIGINT  NOT NULL,
    archive     BYTEA   NOT NULL,
    PRIMARY KEY (workspace, revision)
);
-- The revision a job was created at (NULL for jobs from before this column): its steps render
-- from that revision's definitions and run on its files.
ALTER TABLE jobs ADD COLUMN revision TEXT;
CREATE INDEX jobs_workspace_revision ON jobs (workspace, revision);
