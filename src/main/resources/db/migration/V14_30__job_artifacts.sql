-- Artifacts (issue 14): files a step produced, one row per job and name (a repeated upload of a
-- name replaces its row). The bytes live in the artifact store under storage_key; the row is
-- written only after the object is complete, so a listed artifact can always be read.
CREATE TABLE job_artifacts (
    artifact_id  TEXT PRIMARY KEY,
    job_id       TEXT   NOT NULL REFERENCES jobs (job_id) ON DELETE CASCADE,
    step_name    TEXT   NOT NULL,
    -- The file's path under the step's artifacts folder; may hold slashes.
    name         TEXT   NOT NULL,
    content_type TEXT   NOT NULL,
    size_bytes   BIGINT NOT NULL,
    storage_key  TEXT   NOT NULL,
    created_at   BIGINT NOT NULL,
    UNIQUE (job_id, name)
);
CREATE INDEX job_artifacts_step ON job_artifacts (job_id, step_name);
