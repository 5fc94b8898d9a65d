-- The original's job and step shapes (issue 16): what a job was asked for before defaults
-- (raw_input), the job it re-runs (source_job_id), and a step's input as rendered when a worker
-- claimed it (input; NULL until then). Plain ADD COLUMN runs on SQLite and PostgreSQL alike.
ALTER TABLE jobs ADD COLUMN raw_input TEXT;
ALTER TABLE jobs ADD COLUMN source_job_id TEXT;
ALTER TABLE job_steps ADD COLUMN input TEXT;
