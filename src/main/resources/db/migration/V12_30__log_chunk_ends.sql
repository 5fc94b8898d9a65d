-- Scale-out (issue 12): a replica catches its local copy of a job's log up from the line it holds,
-- asking for the chunks that end after it. A chunk's end (first_line + line_count) grows with its
-- seq, so this index also returns them in order, and the first page stops early.
CREATE INDEX log_chunks_end ON log_chunks (job_id, (first_line + line_count));
