-- A step's start no longer marks its job running: the claim does, in the same transaction, since
-- claims became one job transaction. A job whose steps were claimed before that (by an older
-- server) and are not started yet is marked running here, as its start would have done.
UPDATE jobs SET status = 'running',
       started_at = COALESCE(started_at,
           (SELECT MIN(s.claimed_at) FROM job_steps s WHERE s.job_id = jobs.job_id AND s.claimed_at IS NOT NULL))
 WHERE status = 'pending'
   AND EXISTS (SELECT 1 FROM job_steps s
                WHERE s.job_id = jobs.job_id AND s.status = 'running' AND s.worker_id IS NOT NULL);
