-- Cross-workspace action references (issue 13): a step whose action is another workspace's
-- (`action: ws.name`) records that workspace and its revision at job creation; NULL for a step
-- whose action is its own job's workspace's.
ALTER TABLE job_steps ADD COLUMN action_workspace TEXT;
ALTER TABLE job_steps ADD COLUMN action_revision TEXT;
