package dev.stroem.jobs.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stroem.jobs.Job;
import dev.stroem.jobs.JobStatus;
import dev.stroem.jobs.JobStep;
import dev.stroem.jobs.NewStep;
import dev.stroem.jobs.StepStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * Jobs and their steps in the database. Reads are plain queries; every change to a running
 * job goes through {@link #inJob}, which holds the job's lock for the whole transaction.
 */
public final class JobStore {
    private static final String JOB_COLUMNS = "job_id, workspace, task_name, status, input, source_type, source_id, "
            + "hook_name, timeout_secs, error_message, cancelled_by, created_at, started_at, completed_at, raw_input, "
            + "source_job_id, retry_of_job_id, retry_job_id, retry_attempt, max_retries, retry_backoff_secs, "
            + "retry_strategy, retry_jitter, retry_due_at, revision";
    private static final String STEP_COLUMNS = "job_id, step_name, position, action_name, action_type, depends_on, "
            + "continue_on_failure, timeout_secs, required_tags, status, worker_id, ready_at, claimed_at, "
            + "started_at, completed_at, exit_code, error_message, output, input, action_workspace, action_revision, "
            + StepControlColumns.NAMES;

    /** How long remembered step names are trusted (a job deleted by another server is noticed after this). */
    private static final long STEP_NAMES_TTL_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
    private static final int STEP_NAMES_MAX_JOBS = 4096;

    private final Database db;
    private final JsonColumns columns;
    private final JobRows rows;
    private final StepControlColumns controls;
    private final Runnable stepsReady;
    private final java.util.concurrent.ConcurrentHashMap<String, StepNames> stepNames = new java.util.concurrent.ConcurrentHashMap<>();

    private record StepNames(Set<String> names, long loadedAt) {}

    public JobStore(Database db, ObjectMapper json) {
        this(db, json, () -> {});
    }

    /**
     * @param stepsReady called after every commit that made at least one step ready (a new job,
     *     a dependency done, a requeue): waiting claims look for work then. Must be quick and not throw.
     */
    public JobStore(Database db, ObjectMapper json, Runnable stepsReady) {
        this.db = db;
        this.columns = new JsonColumns(json);
        this.controls = new StepControlColumns(columns);
        this.rows = new JobRows(columns);
        this.stepsReady = stepsReady;
    }

    /** Tells {@link #stepsReady} once this handle's transaction committed (never for a rollback). */
    private void afterCommitStepsReady(Handle h) {
        h.afterCommit(stepsReady);
    }

    /** Inserts a pending job and its steps; steps without dependencies start out ready. */
    public void createJob(Job job, List<NewStep> steps) {
        createJob(job, steps, Map.of());
    }

    /**
     * Inserts a pending job and its steps; {@code renderedActions} holds, per step name, an action
     * rendered in advance (hook jobs), stored as JSON.
     */
    public void createJob(Job job, List<NewStep> steps, Map<String, Object> renderedActions) {
        db.jdbi().useTransaction(h -> {
            insertJob(h, job, null);
            LogStateStore.created(h, job.jobId());
            var batch = stepInserts(h);
            int position = 0;
            for (var step : steps) {
                boolean ready = step.readyAtCreation();
                addStep(batch, job.jobId(), step, position++, ready, ready ? JsonColumns.millis(job.createdAt()) : null,
                        renderedActions.get(step.stepName()));
            }
            if (!steps.isEmpty()) {
                batch.execute();
            }
            if (steps.stream().anyMatch(step -> step.dependsOn().isEmpty())) {
                afterCommitStepsReady(h);
            }
        });
    }

    /**
     * Inserts a job that is over before it started (a skipped trigger fire): no steps, finalised,
     * its log complete from the start.
     */
    public void createFinishedJob(Job job) {
        if (!job.status().isTerminal()) {
            throw new IllegalArgumentException("not a terminal status: " + job.status());
        }
        db.jdbi().useTransaction(h -> {
            insertJob(h, job, "done");
            LogStateStore.created(h, job.jobId());
        });
    }

    /** A batch inserting steps of one job (a new job's, or a loop's instances). */
    private static PreparedBatch stepInserts(Handle h) {
        return h.prepareBatch("INSERT INTO job_steps (job_id, step_name, position, action_name, action_type, "
                + "depends_on, continue_on_failure, timeout_secs, required_tags, status, ready_at, rendered_action, "
                + "action_workspace, action_revision, " + StepControlColumns.NAMES + ") "
                + "VALUES (:job_id, :step_name, :position, :action_name, :action_type, :depends_on, "
                + ":continue_on_failure, :timeout_secs, :required_tags, :status, :ready_at, :rendered_action, "
                + ":action_workspace, :action_revision, "
                + StepControlColumns.PARAMETERS + ")");
    }

    /** Adds one step, ready (since {@code readyAt}) or pending. */
    private void addStep(PreparedBatch batch, String jobId, NewStep step, int position, boolean ready, Long readyAt,
                         Object renderedAction) {
        controls.bind(batch, step.control());
        batch.bind("job_id", jobId)
                .bind("step_name", step.stepName())
                .bind("position", position)
                .bind("action_name", step.actionName())
                .bind("action_type", step.actionType())
                .bind("depends_on", columns.write(step.dependsOn()))
                .bind("continue_on_failure", step.continueOnFailure() ? 1 : 0)
                .bind("timeout_secs", step.timeoutSecs())
                .bind("required_tags", columns.write(step.requiredTags()))
                .bind("status", (ready ? StepStatus.READY : StepStatus.PENDING).wireName())
                .bind("ready_at", readyAt)
                .bind("rendered_action", columns.write(renderedAction))
                .bind("action_workspace", step.owner() == null ? null : step.owner().workspace())
                .bind("action_revision", step.owner() == null ? null : step.owner().revision())
                .add();
    }

    /** The job's row; {@code finalizeState} is null for a job still to run, {@code done} for one over already. */
    private void insertJob(Handle h, Job job, String finalizeState) {
        h.createUpdate("INSERT INTO jobs (" + JOB_COLUMNS + ", finalize_state) VALUES (:job_id, :workspace, "
                        + ":task_name, :status, :input, :source_type, :source_id, :hook_name, :timeout_secs, "
                        + ":error_message, :cancelled_by, :created_at, :started_at, :completed_at, :raw_input, "
                        + ":source_job_id, :retry_of_job_id, :retry_job_id, :retry_attempt, :max_retries, "
                        + ":retry_backoff_secs, :retry_strategy, :retry_jitter, :retry_due_at, :revision, :finalize_state)")
                .bind("job_id", job.jobId())
                .bind("workspace", job.workspace())
                .bind("task_name", job.taskName())
                .bind("status", job.status().wireName())
                .bind("input", columns.write(job.input() == null ? Map.of() : job.input()))
                .bind("source_type", job.sourceType())
                .bind("source_id", job.sourceId())
                .bind("hook_name", job.hookName())
                .bind("timeout_secs", job.timeoutSecs())
                .bind("error_message", job.errorMessage())
                .bind("cancelled_by", job.cancelledBy())
                .bind("created_at", JsonColumns.millis(job.createdAt()))
                .bind("started_at", JsonColumns.millis(job.startedAt()))
                .bind("completed_at", JsonColumns.millis(job.completedAt()))
                .bind("raw_input", columns.write(job.rawInput()))
                .bind("source_job_id", job.sourceJobId())
                .bind("revision", job.revision())
                .bind("retry_of_job_id", job.retry().retryOfJobId())
                .bind("retry_job_id", job.retry().retryJobId())
                .bind("retry_attempt", job.retry().attempt())
                .bind("max_retries", job.retry().maxRetries())
                .bind("retry_backoff_secs", job.retry().backoffSecs())
                .bind("retry_strategy", job.retry().strategy())
                .bind("retry_jitter", job.retry().jitter() ? 1 : 0)
                .bind("retry_due_at", JsonColumns.millis(job.retry().dueAt()))
                .bind("finalize_state", finalizeState)
                .execute();
    }

    /** Failed jobs whose task-level retry is due by {@code now} and not made yet, oldest first. */
    public List<Job> dueJobRetries(Instant now, int limit) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT " + JOB_COLUMNS + " FROM jobs WHERE retry_due_at <= :now "
                        + "AND retry_job_id IS NULL ORDER BY retry_due_at LIMIT :limit")
                .bind("now", now.toEpochMilli())
                .bind("limit", limit)
                .map(rows.job())
                .list());
    }

    /** Gives up a failed job's scheduled retry (it could not be made): the job stays the chain's end. */
    public void cancelJobRetry(String jobId) {
        db.jdbi().useHandle(h -> h.createUpdate("UPDATE jobs SET retry_due_at = NULL WHERE job_id = :job "
                        + "AND retry_job_id IS NULL")
                .bind("job", jobId)
                .execute());
    }

    /** Records the job retrying {@code jobId}; false when one was recorded before (by another server). */
    public boolean linkRetry(String jobId, String retryJobId) {
        return db.jdbi().withHandle(h -> h.createUpdate("UPDATE jobs SET retry_job_id = :retry WHERE job_id = :job "
                        + "AND retry_job_id IS NULL")
                .bind("retry", retryJobId)
                .bind("job", jobId)
                .execute() == 1);
    }

    /** Ready steps waiting for a retry that falls due in {@code (after, upTo]}: claims waiting for work may take them now. */
    public boolean stepRetriesDue(Instant after, Instant upTo) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM job_steps WHERE status = 'ready' "
                        + "AND retry_at > :after AND retry_at <= :upTo")
                .bind("after", after.toEpochMilli())
                .bind("upTo", upTo.toEpochMilli())
                .mapTo(Long.class)
                .one() > 0);
    }

    /** Pending and running jobs created by one source (a trigger's earlier fires), oldest first. */
    public List<Job> activeJobsFrom(String sourceType, String sourceId) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT " + JOB_COLUMNS + " FROM jobs WHERE source_type = :type "
                        + "AND source_id = :id AND status IN ('pending', 'running') ORDER BY created_at")
                .bind("type", sourceType)
                .bind("id", sourceId)
                .map(rows.job())
                .list());
    }

    public Optional<Job> findJob(String jobId) {
        return db.jdbi().withHandle(h -> findJob(h, jobId));
    }

    private Optional<Job> findJob(Handle h, String jobId) {
        return h.createQuery("SELECT " + JOB_COLUMNS + " FROM jobs WHERE job_id = :id")
                .bind("id", jobId)
                .map(rows.job())
                .findOne();
    }

    /** Jobs matching the filter, newest first. */
    public JobPage listJobs(JobFilter filter, int limit, int offset) {
        return listJobs(filter, null, limit, offset);
    }

    /**
     * A page of jobs and their total, both restricted to jobs of {@code onlyTasks} when it is not
     * null (the tasks a caller may see under the ACL).
     */
    public JobPage listJobs(JobFilter filter, java.util.Collection<TaskKey> onlyTasks, int limit, int offset) {
        var where = new ArrayList<String>();
        var only = onlyTasks == null ? null : List.copyOf(onlyTasks);
        if (only != null) {
            var any = new ArrayList<String>();
            for (int i = 0; i < only.size(); i++) {
                any.add("(workspace = :only_ws" + i + " AND task_name = :only_task" + i + ")");
            }
            where.add(any.isEmpty() ? "1 = 0" : "(" + String.join(" OR ", any) + ")");
        }
        if (filter.workspace() != null) {
            where.add("workspace = :workspace");
        }
        if (filter.taskName() != null) {
            where.add("task_name = :task_name");
        }
        if (filter.status() != null) {
            where.add("status = :status");
        }
        if (filter.sourceType() != null) {
            where.add("source_type = :source_type");
        }
        if (filter.search() != null) {
            where.add("(LOWER(job_id) LIKE :search ESCAPE '!' OR LOWER(task_name) LIKE :search ESCAPE '!' "
                    + "OR LOWER(workspace) LIKE :search ESCAPE '!' OR LOWER(COALESCE(source_id, '')) LIKE :search ESCAPE '!')");
        }
        String clause = where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where);
        return db.jdbi().withHandle(h -> {
            var items = bindOnly(bindFilter(h.createQuery("SELECT " + JOB_COLUMNS + " FROM jobs" + clause
                            + " ORDER BY created_at DESC, job_id DESC LIMIT :limit OFFSET :offset"), filter), only)
                    .bind("limit", limit)
                    .bind("offset", offset)
                    .map(rows.job())
                    .list();
            long total = bindOnly(bindFilter(h.createQuery("SELECT COUNT(*) FROM jobs" + clause), filter), only)
                    .mapTo(Long.class)
                    .one();
            return new JobPage(items, total);
        });
    }

    private static org.jdbi.v3.core.statement.Query bindOnly(org.jdbi.v3.core.statement.Query q, List<TaskKey> only) {
        if (only != null) {
            for (int i = 0; i < only.size(); i++) {
                q.bind("only_ws" + i, only.get(i).workspace()).bind("only_task" + i, only.get(i).taskName());
            }
        }
        return q;
    }

    /** Every (workspace, task) that has jobs: what the ACL is evaluated on to filter job lists. */
    public List<TaskKey> tasksWithJobs() {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT DISTINCT workspace, task_name FROM jobs")
                .map((rs, ctx) -> new TaskKey(rs.getString("workspace"), rs.getString("task_name")))
                .list());
    }

    private static org.jdbi.v3.core.statement.Query bindFilter(org.jdbi.v3.core.statement.Query q, JobFilter f) {
        if (f.workspace() != null) {
            q.bind("workspace", f.workspace());
        }
        if (f.taskName() != null) {
            q.bind("task_name", f.taskName());
        }
        if (f.status() != null) {
            q.bind("status", f.status().wireName());
        }
        if (f.sourceType() != null) {
            q.bind("source_type", f.sourceType());
        }
        if (f.search() != null) {
            // LIKE's wildcards in the search text match themselves.
            String escaped = f.search().toLowerCase(java.util.Locale.ROOT)
                    .replace("!", "!!").replace("%", "!%").replace("_", "!_");
            q.bind("search", "%" + escaped + "%");
        }
        return q;
    }

    /** Count of jobs per status, for metrics. */
    public Map<JobStatus, Long> countByStatus() {
        return db.jdbi().withHandle(h -> {
            var counts = new java.util.EnumMap<JobStatus, Long>(JobStatus.class);
            for (var s : JobStatus.values()) {
                counts.put(s, 0L);
            }
            h.createQuery("SELECT status, COUNT(*) AS n FROM jobs GROUP BY status")
                    .map((rs, ctx) -> Map.entry(JobStatus.fromWireName(rs.getString("status")), rs.getLong("n")))
                    .forEach(e -> counts.put(e.getKey(), e.getValue()));
            return counts;
        });
    }

    public List<JobStep> steps(String jobId) {
        return db.jdbi().withHandle(h -> steps(h, jobId));
    }

    /** The latest {@code limit} completed jobs of a task, newest first (duration statistics). */
    public List<Job> recentCompleted(String workspace, String taskName, int limit) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT " + JOB_COLUMNS + " FROM jobs WHERE workspace = :ws "
                        + "AND task_name = :task AND status = 'completed' AND completed_at IS NOT NULL "
                        + "ORDER BY completed_at DESC, job_id DESC LIMIT :limit")
                .bind("ws", workspace)
                .bind("task", taskName)
                .bind("limit", limit)
                .map(rows.job())
                .list());
    }

    /** The steps of these jobs, in each job's flow order. */
    public List<JobStep> stepsOf(java.util.Collection<String> jobIds) {
        if (jobIds.isEmpty()) {
            return List.of();
        }
        return db.jdbi().withHandle(h -> h.createQuery("SELECT " + STEP_COLUMNS + " FROM job_steps "
                        + "WHERE job_id IN (<ids>) ORDER BY job_id, position")
                .bindList("ids", List.copyOf(jobIds))
                .map(rows.step())
                .list());
    }

    /** The steps a worker took, most recently claimed first, with the total count. */
    public WorkerStepPage stepsOfWorker(String workerId, int limit) {
        return db.jdbi().withHandle(h -> {
            var items = h.createQuery("SELECT s.job_id, j.workspace, j.task_name, j.status AS job_status, s.step_name, "
                            + "s.action_type, s.status, s.started_at, s.completed_at, s.error_message "
                            + "FROM job_steps s JOIN jobs j ON j.job_id = s.job_id WHERE s.worker_id = :worker "
                            + "ORDER BY COALESCE(s.claimed_at, s.started_at, 0) DESC, s.job_id, s.step_name LIMIT :limit")
                    .bind("worker", workerId)
                    .bind("limit", limit)
                    .map((rs, ctx) -> new dev.stroem.jobs.WorkerStep(rs.getString("job_id"), rs.getString("workspace"),
                            rs.getString("task_name"), JobStatus.fromWireName(rs.getString("job_status")),
                            rs.getString("step_name"), rs.getString("action_type"),
                            StepStatus.fromWireName(rs.getString("status")), JobRows.instant(rs, "started_at"),
                            JobRows.instant(rs, "completed_at"), rs.getString("error_message")))
                    .list();
            long total = h.createQuery("SELECT COUNT(*) FROM job_steps WHERE worker_id = :worker")
                    .bind("worker", workerId)
                    .mapTo(Long.class)
                    .one();
            return new WorkerStepPage(items, total);
        });
    }

    private List<JobStep> steps(Handle h, String jobId) {
        return h.createQuery("SELECT " + STEP_COLUMNS + " FROM job_steps WHERE job_id = :id "
                        + "ORDER BY position, COALESCE(loop_index, -1)")
                .bind("id", jobId)
                .map(rows.step())
                .list();
    }

    /**
     * True when the job exists and has a step of that name: what log ingest checks per batch. A
     * job's steps are only ever added (loop instances), so their names are remembered for a while
     * and most batches need no query; an unknown job or step name is looked up again, so it is
     * found as soon as it exists.
     */
    public boolean hasStep(String jobId, String stepName) {
        long now = System.nanoTime();
        var known = stepNames.get(jobId);
        if (known == null || now - known.loadedAt() > STEP_NAMES_TTL_NANOS || !known.names().contains(stepName)) {
            var names = db.jdbi().withHandle(h -> h.createQuery("SELECT step_name FROM job_steps WHERE job_id = :job")
                    .bind("job", jobId)
                    .mapTo(String.class)
                    .set());
            if (names.isEmpty()) {
                stepNames.remove(jobId);
                return false;
            }
            if (stepNames.size() >= STEP_NAMES_MAX_JOBS) {
                stepNames.clear(); // crude but bounded: the active jobs come back with their next batch
            }
            known = new StepNames(Set.copyOf(names), now);
            stepNames.put(jobId, known);
        }
        return known.names().contains(stepName);
    }

    /**
     * Remembers the step names of a job read in a committed transaction (a claim read them all),
     * so the log batches and the completion of its steps need no query of their own for
     * {@link #hasStep}.
     */
    public void rememberStepNames(String jobId, java.util.Collection<String> names) {
        if (names.isEmpty()) {
            return;
        }
        if (stepNames.size() >= STEP_NAMES_MAX_JOBS) {
            stepNames.clear(); // as in hasStep: crude but bounded
        }
        stepNames.put(jobId, new StepNames(Set.copyOf(names), System.nanoTime()));
    }

    /** Ready steps, oldest first: the candidates a worker's claim looks at. */
    public List<JobStep> readySteps(int limit) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT " + STEP_COLUMNS
                        + " FROM job_steps WHERE status = 'ready' ORDER BY ready_at, job_id, position LIMIT :limit")
                .bind("limit", limit)
                .map(rows.step())
                .list());
    }

    /** A ready step as a claim first looks at it: enough to tell whether a worker can run it. */
    public record ClaimCandidate(String jobId, String stepName, String actionType, List<String> requiredTags) {}

    /**
     * Ready steps, oldest first, with only the columns a claim filters on: a claim looks at many
     * and takes few, so it does not read (and parse) their whole rows.
     */
    public List<ClaimCandidate> claimCandidates(int limit) {
        return claimCandidates(limit, Instant.ofEpochMilli(Long.MAX_VALUE));
    }

    /** As {@link #claimCandidates(int)}, leaving out steps waiting for a retry due after {@code now}. */
    public List<ClaimCandidate> claimCandidates(int limit, Instant now) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT job_id, step_name, action_type, required_tags "
                        + "FROM job_steps WHERE status = 'ready' AND (retry_at IS NULL OR retry_at <= :now) "
                        + "ORDER BY ready_at, job_id, position LIMIT :limit")
                .bind("limit", limit)
                .bind("now", now.toEpochMilli())
                .map((rs, ctx) -> new ClaimCandidate(rs.getString("job_id"), rs.getString("step_name"),
                        rs.getString("action_type"), columns.list(rs.getString("required_tags"))))
                .list());
    }

    /**
     * Gives a ready step to one worker. The conditional update is atomic on both databases, so
     * when many workers race for the same step exactly one of them gets {@code true}.
     */
    public boolean tryClaim(String jobId, String stepName, String workerId, Instant now) {
        return db.jdbi().withHandle(h -> h.createUpdate("UPDATE job_steps SET status = 'running', worker_id = :worker, "
                        + "claimed_at = :now WHERE job_id = :job AND step_name = :step AND status = 'ready'")
                .bind("worker", workerId)
                .bind("now", now.toEpochMilli())
                .bind("job", jobId)
                .bind("step", stepName)
                .execute()) == 1;
    }

    /**
     * Runs {@code work} in one transaction holding the job's lock and returns its (non-null)
     * result; empty when the job does not exist.
     */
    public <T> Optional<T> inJob(String jobId, Function<JobTransaction, T> work) {
        return db.jdbi().inTransaction(h -> {
            db.dialect().lockJob(h, jobId);
            var job = findJob(h, jobId);
            if (job.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(Objects.requireNonNull(work.apply(new JobTransaction(h, jobId, job.get())),
                    "a job transaction must return a value"));
        });
    }

    /**
     * As {@link #inJob}, for work on one step: the step's row is read first (under the job's lock)
     * and the job's row only when the work asks for it ({@link JobTransaction#job()}), so a change
     * that needs only the step reads one row, not two. Empty when the job has no such step (or
     * does not exist: ask {@link #findJob} to tell which).
     */
    public <T> Optional<T> inStep(String jobId, String stepName, java.util.function.BiFunction<JobTransaction, JobStep, T> work) {
        return db.jdbi().inTransaction(h -> {
            db.dialect().lockJob(h, jobId);
            var tx = new JobTransaction(h, jobId, null);
            var step = tx.step(stepName);
            if (step.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(Objects.requireNonNull(work.apply(tx, step.get()), "a job transaction must return a value"));
        });
    }

    /** Runs {@code work} in one transaction holding the job's lock; false when the job does not exist. */
    public boolean useJob(String jobId, Consumer<JobTransaction> work) {
        return inJob(jobId, tx -> {
            work.accept(tx);
            return Boolean.TRUE;
        }).isPresent();
    }

    /**
     * Runs {@code work} in one transaction holding the job's lock without reading the job's row
     * first ({@link JobTransaction#job()} reads it when asked): for changes that are conditional
     * in their own SQL and right (doing nothing) for a job that is gone.
     */
    public void useLockedJob(String jobId, Consumer<JobTransaction> work) {
        db.jdbi().useTransaction(h -> {
            db.dialect().lockJob(h, jobId);
            work.accept(new JobTransaction(h, jobId, null));
        });
    }

    /** Hook jobs fired for a job. */
    public List<Job> hookJobsOf(String jobId) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT " + JOB_COLUMNS
                        + " FROM jobs WHERE source_type = 'hook' AND source_id = :id ORDER BY created_at, hook_name")
                .bind("id", jobId)
                .map(rows.job())
                .list());
    }

    /** Jobs whose post-terminal work (hooks, archival) is not done yet: resumed after a restart. */
    public List<String> jobsToFinalize() {
        return db.jdbi().withHandle(h -> h.createQuery(
                        "SELECT job_id FROM jobs WHERE finalize_state = 'hooks' ORDER BY completed_at")
                .mapTo(String.class)
                .list());
    }

    /** Running steps, for the recovery sweeper. */
    public List<JobStep> runningSteps() {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT " + STEP_COLUMNS
                        + " FROM job_steps WHERE status = 'running' AND for_each_expr IS NULL ORDER BY claimed_at")
                .map(rows.step())
                .list());
    }

    /** Jobs not yet terminal, for the recovery sweeper. */
    public List<Job> activeJobs() {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT " + JOB_COLUMNS
                        + " FROM jobs WHERE status IN ('pending', 'running') ORDER BY created_at")
                .map(rows.job())
                .list());
    }

    /**
     * Ready steps that became ready before {@code cutoff}, oldest first: the recovery sweeper
     * checks whether any active worker can run them.
     */
    public List<JobStep> readyStepsBefore(Instant cutoff) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT " + STEP_COLUMNS + " FROM job_steps "
                        + "WHERE status = 'ready' AND ready_at < :cutoff ORDER BY ready_at, job_id, position")
                .bind("cutoff", cutoff.toEpochMilli())
                .map(rows.step())
                .list());
    }

    /**
     * Terminal jobs that ended before {@code cutoff}, oldest first, for retention: only jobs whose
     * finalisation is done and, with {@code skipPendingUploads}, whose log is not waiting for an
     * upload (an upload racing with the deletion could leave an object nobody owns; without an
     * archive configured nothing will ever upload it). {@code skip} jobs of that order are passed
     * over (those an earlier batch of the same round kept).
     */
    public List<Job> terminalJobsEndedBefore(Instant cutoff, boolean skipPendingUploads, int skip, int limit) {
        String uploads = skipPendingUploads ? "AND " + LogStateStore.noUploadPending() + " " : "";
        return db.jdbi().withHandle(h -> h.createQuery("SELECT " + JOB_COLUMNS + " FROM jobs WHERE status IN "
                        + "('completed', 'failed', 'cancelled', 'skipped') AND (finalize_state IS NULL OR finalize_state = 'done') "
                        + "AND completed_at < :cutoff " + uploads
                        + "ORDER BY completed_at, job_id LIMIT :limit OFFSET :skip")
                .bind("cutoff", cutoff.toEpochMilli())
                .bind("limit", limit)
                .bind("skip", skip)
                .map(rows.job())
                .list());
    }

    /** Deletes a job row with its steps and log state. */
    public void deleteJob(String jobId) {
        stepNames.remove(jobId);
        db.jdbi().useTransaction(h -> {
            h.createUpdate("DELETE FROM job_logs WHERE job_id = :id").bind("id", jobId).execute();
            h.createUpdate("DELETE FROM job_steps WHERE job_id = :id").bind("id", jobId).execute();
            h.createUpdate("DELETE FROM jobs WHERE job_id = :id").bind("id", jobId).execute();
        });
    }

    /** The changes a transaction of {@link #inJob} may make to its job. */
    public final class JobTransaction {
        private final Handle h;
        private final String jobId;
        /** The job's row as read in this transaction (under its lock); read on first use when null. */
        private Job job;

        private JobTransaction(Handle h, String jobId, Job job) {
            this.h = h;
            this.jobId = jobId;
            this.job = job;
        }

        /**
         * The job's row as this transaction found it (read once, under the job's lock; the
         * transaction's own changes are not in it).
         */
        public Job job() {
            if (job == null) {
                job = findJob(h, jobId).orElseThrow(() -> new IllegalStateException("job " + jobId + " is gone"));
            }
            return job;
        }

        public List<JobStep> steps() {
            return JobStore.this.steps(h, jobId);
        }

        public Optional<JobStep> step(String stepName) {
            return h.createQuery("SELECT " + STEP_COLUMNS + " FROM job_steps WHERE job_id = :job AND step_name = :step")
                    .bind("job", jobId)
                    .bind("step", stepName)
                    .map(rows.step())
                    .findOne();
        }

        public void markStepReady(String stepName, Instant now) {
            int changed = h.createUpdate("UPDATE job_steps SET status = 'ready', ready_at = :now "
                            + "WHERE job_id = :job AND step_name = :step AND status = 'pending'")
                    .bind("now", now.toEpochMilli())
                    .bind("job", jobId)
                    .bind("step", stepName)
                    .execute();
            if (changed > 0) {
                afterCommitStepsReady(h);
            }
        }

        /**
         * Gives a ready step to a worker, as {@link JobStore#tryClaim} does, inside the job's
         * transaction; false when it is not ready (any more).
         */
        public boolean claimStep(String stepName, String workerId, Instant now) {
            return h.createUpdate("UPDATE job_steps SET status = 'running', worker_id = :worker, claimed_at = :now "
                            + "WHERE job_id = :job AND step_name = :step AND status = 'ready'")
                    .bind("worker", workerId)
                    .bind("now", now.toEpochMilli())
                    .bind("job", jobId)
                    .bind("step", stepName)
                    .execute() == 1;
        }

        /**
         * As {@link #claimStep(String, String, Instant)}, recording the step's input as rendered for
         * that worker (the API shows it) in the same statement.
         */
        public boolean claimStep(String stepName, String workerId, Instant now, Map<String, Object> input) {
            return h.createUpdate("UPDATE job_steps SET status = 'running', worker_id = :worker, claimed_at = :now, "
                            + "input = :input WHERE job_id = :job AND step_name = :step AND status = 'ready'")
                    .bind("worker", workerId)
                    .bind("now", now.toEpochMilli())
                    .bind("input", columns.write(input == null ? Map.of() : input))
                    .bind("job", jobId)
                    .bind("step", stepName)
                    .execute() == 1;
        }

        public void markStepStarted(String stepName, Instant now) {
            h.createUpdate("UPDATE job_steps SET started_at = :now WHERE job_id = :job AND step_name = :step "
                            + "AND started_at IS NULL")
                    .bind("now", now.toEpochMilli())
                    .bind("job", jobId)
                    .bind("step", stepName)
                    .execute();
        }

        /**
         * Ends a step that has not ended yet; false when it already had. {@code output} is a map, or
         * a list for a loop placeholder.
         */
        public boolean finishStep(String stepName, StepStatus status, Integer exitCode, String error,
                Object output, Instant now) {
            return h.createUpdate("UPDATE job_steps SET status = :status, exit_code = :exit, error_message = :error, "
                            + "output = :output, completed_at = :now WHERE job_id = :job AND step_name = :step "
                            + "AND status IN ('pending', 'ready', 'running')")
                    .bind("status", status.wireName())
                    .bind("exit", exitCode)
                    .bind("error", error)
                    .bind("output", columns.write(output))
                    .bind("now", now.toEpochMilli())
                    .bind("job", jobId)
                    .bind("step", stepName)
                    .execute() == 1;
        }

        /**
         * Starts a loop: the placeholder runs (it ends when its instances have) and its instances
         * are inserted after it — all ready, or for a sequential loop only the first.
         */
        public void expandLoop(String placeholder, List<NewStep> instances, boolean sequential, Instant now) {
            var row = step(placeholder).orElseThrow(() -> new IllegalStateException("no step " + placeholder));
            h.createUpdate("UPDATE job_steps SET status = 'running', started_at = :now "
                            + "WHERE job_id = :job AND step_name = :step AND status = 'pending'")
                    .bind("now", now.toEpochMilli())
                    .bind("job", jobId)
                    .bind("step", placeholder)
                    .execute();
            var batch = stepInserts(h);
            int index = 0;
            for (var step : instances) {
                boolean ready = !sequential || index++ == 0;
                addStep(batch, jobId, step, row.position(), ready, ready ? now.toEpochMilli() : null, null);
            }
            if (!instances.isEmpty()) {
                batch.execute();
            }
        }

        /**
         * Puts a failed attempt of a step back to ready for its next attempt, claimable from
         * {@code retryAt}: the attempt that failed joins {@code history}, what it left is cleared.
         * False when the step was not running or ready (it ended meanwhile).
         */
        public boolean retryStep(String stepName, int attempt, List<Map<String, Object>> history, Instant retryAt) {
            int changed = h.createUpdate("UPDATE job_steps SET status = 'ready', retry_attempt = :attempt, "
                            + "retry_history = :history, retry_at = :at, ready_at = :at, worker_id = NULL, "
                            + "claimed_at = NULL, started_at = NULL, completed_at = NULL, exit_code = NULL, "
                            + "error_message = NULL, output = NULL WHERE job_id = :job AND step_name = :step "
                            + "AND status IN ('ready', 'running')")
                    .bind("attempt", attempt)
                    .bind("history", columns.write(history))
                    .bind("at", retryAt.toEpochMilli())
                    .bind("job", jobId)
                    .bind("step", stepName)
                    .execute();
            if (changed > 0) {
                afterCommitStepsReady(h);
            }
            return changed > 0;
        }

        /** Sets when this failed job is to be retried as a new job. */
        public void scheduleJobRetry(Instant dueAt) {
            h.createUpdate("UPDATE jobs SET retry_due_at = :due WHERE job_id = :job")
                    .bind("due", dueAt.toEpochMilli())
                    .bind("job", jobId)
                    .execute();
        }

        /** Puts a running step back to ready (its worker vanished before it started). */
        public void requeueStep(String stepName, Instant now) {
            int changed = h.createUpdate("UPDATE job_steps SET status = 'ready', worker_id = NULL, claimed_at = NULL, "
                            + "ready_at = :now WHERE job_id = :job AND step_name = :step AND status = 'running'")
                    .bind("now", now.toEpochMilli())
                    .bind("job", jobId)
                    .bind("step", stepName)
                    .execute();
            if (changed > 0) {
                afterCommitStepsReady(h);
            }
        }

        public void markJobRunning(Instant now) {
            h.createUpdate("UPDATE jobs SET status = 'running', started_at = COALESCE(started_at, :now) "
                            + "WHERE job_id = :job AND status = 'pending'")
                    .bind("now", now.toEpochMilli())
                    .bind("job", jobId)
                    .execute();
        }

        /**
         * Ends the job; the post-terminal work (hooks, archival) is recorded in the same
         * transaction. False when the job had already ended.
         */
        public boolean finishJob(JobStatus status, String error, String cancelledBy, Instant now) {
            if (!status.isTerminal()) {
                throw new IllegalArgumentException("not a terminal status: " + status);
            }
            boolean ended = h.createUpdate("UPDATE jobs SET status = :status, error_message = :error, cancelled_by = :by, "
                            + "completed_at = :now, finalize_state = 'hooks' "
                            + "WHERE job_id = :job AND status IN ('pending', 'running')")
                    .bind("status", status.wireName())
                    .bind("error", error)
                    .bind("by", cancelledBy)
                    .bind("now", now.toEpochMilli())
                    .bind("job", jobId)
                    .execute() == 1;
            if (ended) {
                LogStateStore.finalising(h, jobId);
            }
            return ended;
        }

        /** Records that hooks fired and, when an archive is configured, queues the job's log for archival. */
        public void markFinalised(boolean queueArchival, Instant now) {
            h.createUpdate("UPDATE jobs SET finalize_state = 'done' WHERE job_id = :job")
                    .bind("job", jobId)
                    .execute();
            LogStateStore.finalised(h, jobId, queueArchival, now);
        }

        /** The rendered action stored with a hook job's step, if any. */
        public Optional<String> renderedAction(String stepName) {
            return h.createQuery("SELECT rendered_action FROM job_steps WHERE job_id = :job AND step_name = :step")
                    .bind("job", jobId)
                    .bind("step", stepName)
                    .mapTo(String.class)
                    .findOne();
        }
    }
}
