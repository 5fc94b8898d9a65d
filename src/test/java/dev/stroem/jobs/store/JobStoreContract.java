package dev.stroem.jobs.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stroem.jobs.Job;
import dev.stroem.jobs.JobStatus;
import dev.stroem.jobs.JobStep;
import dev.stroem.jobs.NewStep;
import dev.stroem.jobs.StepStatus;
import dev.stroem.jobs.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The job store's behaviour, run against each database we support (SQLite and PostgreSQL). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class JobStoreContract {
    static final Instant T0 = Instant.parse("2025-02-12T10:56:45.123Z");

    Database db;
    JobStore jobs;
    WorkerStore workers;
    LogStateStore archives;

    /** A fresh, migrated database of the kind under test. */
    abstract Database openDatabase();

    void closeDatabase() {
        db.close();
    }

    @BeforeAll
    void open() {
        db = openDatabase();
        var json = new ObjectMapper();
        jobs = new JobStore(db, json);
        workers = new WorkerStore(db, json);
        archives = new LogStateStore(db);
    }

    @AfterAll
    void close() {
        closeDatabase();
    }

    @BeforeEach
    void empty() {
        db.jdbi().useHandle(h -> {
            h.execute("DELETE FROM job_logs");
            h.execute("DELETE FROM job_steps");
            h.execute("DELETE FROM jobs");
            h.execute("DELETE FROM workers");
        });
    }

    static Job newJob(String id, String task, Instant createdAt) {
        return new Job(id, "default", task, JobStatus.PENDING, Map.of("name", "World", "n", 3), Job.SOURCE_API,
                null, null, 600L, null, null, createdAt, null, null);
    }

    static List<NewStep> diamond() {
        return List.of(
                new NewStep("fetch", "fetch", "script", List.of(), false, 30L, List.of()),
                new NewStep("build-a", "build", "script", List.of("fetch"), false, null, List.of()),
                new NewStep("build-b", "build", "script", List.of("fetch"), true, null, List.of("gpu")),
                new NewStep("publish", "publish", "script", List.of("build-a", "build-b"), false, null, List.of()));
    }

    @Test
    void aCreatedJobReadsBackWithItsStepsInFlowOrder() {
        jobs.createJob(newJob("j1", "deploy", T0), diamond());

        var job = jobs.findJob("j1").orElseThrow();
        assertThat(job.status()).isEqualTo(JobStatus.PENDING);
        assertThat(job.input()).containsEntry("name", "World").containsEntry("n", 3);
        assertThat(job.createdAt()).isEqualTo(T0);
        assertThat(job.timeoutSecs()).isEqualTo(600L);

        var steps = jobs.steps("j1");
        assertThat(steps).extracting(JobStep::stepName).containsExactly("fetch", "build-a", "build-b", "publish");
        assertThat(steps).extracting(JobStep::status)
                .containsExactly(StepStatus.READY, StepStatus.PENDING, StepStatus.PENDING, StepStatus.PENDING);
        assertThat(steps.get(2).dependsOn()).containsExactly("fetch");
        assertThat(steps.get(2).continueOnFailure()).isTrue();
        assertThat(steps.get(2).requiredTags()).containsExactly("gpu");
        assertThat(steps.get(0).timeoutSecs()).isEqualTo(30L);
        assertThat(steps.get(0).readyAt()).isEqualTo(T0);
    }

    @Test
    void hasStepKnowsTheStepsOfExistingJobsOnlyAlsoAfterADeletion() {
        assertThat(jobs.hasStep("steps", "fetch")).isFalse();
        jobs.createJob(newJob("steps", "deploy", T0), diamond());

        assertThat(jobs.hasStep("steps", "fetch")).isTrue();
        assertThat(jobs.hasStep("steps", "publish")).isTrue();
        assertThat(jobs.hasStep("steps", "fetch-all")).isFalse();
        assertThat(jobs.hasStep("other", "fetch")).isFalse();
        jobs.deleteJob("steps");
        assertThat(jobs.hasStep("steps", "fetch")).isFalse();
    }

    @Test
    void unknownJobIsEmpty() {
        assertThat(jobs.findJob("nope")).isEmpty();
        assertThat(jobs.steps("nope")).isEmpty();
        assertThat(jobs.inJob("nope", tx -> "touched")).isEmpty();
    }

    @Test
    void listingFiltersPagesAndCountsNewestFirst() {
        for (int i = 0; i < 5; i++) {
            jobs.createJob(newJob("a" + i, "alpha", T0.plusSeconds(i)), List.of());
            jobs.createJob(newJob("b" + i, "beta", T0.plusSeconds(10 + i)), List.of());
        }
        jobs.inJob("a1", tx -> tx.finishJob(JobStatus.FAILED, "boom", null, T0.plusSeconds(60)));

        var page = jobs.listJobs(JobFilter.ALL, 3, 0);
        assertThat(page.total()).isEqualTo(10);
        assertThat(page.items()).extracting(Job::jobId).containsExactly("b4", "b3", "b2");

        var alpha = jobs.listJobs(new JobFilter("default", "alpha", null), 2, 2);
        assertThat(alpha.total()).isEqualTo(5);
        assertThat(alpha.items()).extracting(Job::jobId).containsExactly("a2", "a1");

        var failed = jobs.listJobs(new JobFilter(null, null, JobStatus.FAILED), 10, 0);
        assertThat(failed.items()).extracting(Job::jobId).containsExactly("a1");
        assertThat(failed.items().get(0).errorMessage()).isEqualTo("boom");

        assertThat(jobs.listJobs(new JobFilter("other", null, null), 10, 0).total()).isZero();
        assertThat(jobs.countByStatus()).containsEntry(JobStatus.PENDING, 9L).containsEntry(JobStatus.FAILED, 1L);
    }

    @Test
    void aReadyStepGoesToExactlyOneOfManyRacingWorkers() throws Exception {
        int jobsCount = 10;
        for (int i = 0; i < jobsCount; i++) {
            jobs.createJob(newJob("race" + i, "t", T0.plusMillis(i)),
                    List.of(new NewStep("only", "a", "script", List.of(), false, null, List.of())));
        }
        int workersCount = 8;
        var won = Collections.synchronizedList(new ArrayList<String>());
        var start = new CountDownLatch(1);
        var pool = Executors.newFixedThreadPool(workersCount);
        for (int w = 0; w < workersCount; w++) {
            String worker = "w" + w;
            pool.submit(() -> {
                start.await();
                for (var step : jobs.readySteps(100)) {
                    if (jobs.tryClaim(step.jobId(), step.stepName(), worker, T0)) {
                        won.add(step.jobId());
                    }
                }
                return null;
            });
        }
        start.countDown();
        pool.shutdown();
        assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();

        assertThat(won).hasSize(jobsCount).doesNotHaveDuplicates();
        assertThat(jobs.readySteps(100)).isEmpty();
        for (int i = 0; i < jobsCount; i++) {
            var step = jobs.steps("race" + i).get(0);
            assertThat(step.status()).isEqualTo(StepStatus.RUNNING);
            assertThat(step.workerId()).startsWith("w");
        }
    }

    @Test
    void claimCandidatesAreTheReadyStepsOldestFirstWithWhatAClaimFiltersOn() {
        jobs.createJob(newJob("late", "t", T0.plusSeconds(5)),
                List.of(new NewStep("only", "a", "docker", List.of(), false, null, List.of("gpu", "big"))));
        jobs.createJob(newJob("j1", "deploy", T0), diamond());
        jobs.useJob("j1", tx -> tx.markStepReady("build-b", T0.plusSeconds(1)));

        assertThat(jobs.claimCandidates(10)).containsExactly(
                new JobStore.ClaimCandidate("j1", "fetch", "script", List.of()),
                new JobStore.ClaimCandidate("j1", "build-b", "script", List.of("gpu")),
                new JobStore.ClaimCandidate("late", "only", "docker", List.of("gpu", "big")));
        assertThat(jobs.claimCandidates(1)).extracting(JobStore.ClaimCandidate::stepName).containsExactly("fetch");

        assertThat(jobs.inJob("j1", tx -> tx.claimStep("fetch", "w1", T0.plusSeconds(2)))).contains(true);
        assertThat(jobs.inJob("j1", tx -> tx.claimStep("fetch", "w2", T0.plusSeconds(3)))).contains(false);
        assertThat(jobs.claimCandidates(10)).extracting(JobStore.ClaimCandidate::stepName)
                .containsExactly("build-b", "only");
        assertThat(jobs.steps("j1").get(0).workerId()).isEqualTo("w1");
    }

    @Test
    void aStepEndsOnceAndAJobEndsOnce() {
        jobs.createJob(newJob("j1", "t", T0), diamond());
        assertThat(jobs.tryClaim("j1", "fetch", "w1", T0)).isTrue();

        boolean first = jobs.inJob("j1", tx -> tx.finishStep("fetch", StepStatus.COMPLETED, 0, null,
                Map.of("version", "1.2.3"), T0.plusSeconds(1))).orElseThrow();
        boolean again = jobs.inJob("j1", tx -> tx.finishStep("fetch", StepStatus.FAILED, 1, "late", null,
                T0.plusSeconds(2))).orElseThrow();

        assertThat(first).isTrue();
        assertThat(again).isFalse();
        var fetch = jobs.steps("j1").get(0);
        assertThat(fetch.status()).isEqualTo(StepStatus.COMPLETED);
        assertThat(fetch.exitCode()).isZero();
        assertThat(fetch.output()).containsEntry("version", "1.2.3");

        assertThat(jobs.inJob("j1", tx -> tx.finishJob(JobStatus.CANCELLED, null, "api", T0.plusSeconds(3))))
                .contains(true);
        assertThat(jobs.inJob("j1", tx -> tx.finishJob(JobStatus.COMPLETED, null, null, T0.plusSeconds(4))))
                .contains(false);
        var job = jobs.findJob("j1").orElseThrow();
        assertThat(job.status()).isEqualTo(JobStatus.CANCELLED);
        assertThat(job.cancelledBy()).isEqualTo("api");
        assertThat(job.completedAt()).isEqualTo(T0.plusSeconds(3));
    }

    @Test
    void readyPromotionStartAndRequeue() {
        jobs.createJob(newJob("j1", "t", T0), diamond());
        jobs.useJob("j1", tx -> {
            tx.markStepReady("build-a", T0.plusSeconds(1));
            tx.markStepReady("fetch", T0.plusSeconds(1)); // already ready: unchanged
            tx.markJobRunning(T0.plusSeconds(2));
        });
        assertThat(jobs.steps("j1").get(1).status()).isEqualTo(StepStatus.READY);
        assertThat(jobs.steps("j1").get(0).readyAt()).isEqualTo(T0);
        assertThat(jobs.findJob("j1").orElseThrow().startedAt()).isEqualTo(T0.plusSeconds(2));

        assertThat(jobs.tryClaim("j1", "build-a", "w1", T0.plusSeconds(3))).isTrue();
        jobs.useJob("j1", tx -> {
            tx.markStepStarted("build-a", T0.plusSeconds(4));
            tx.markStepStarted("build-a", T0.plusSeconds(5));
        });
        assertThat(jobs.steps("j1").get(1).startedAt()).isEqualTo(T0.plusSeconds(4));

        jobs.useJob("j1", tx -> {
            tx.requeueStep("build-a", T0.plusSeconds(6));
        });
        var requeued = jobs.steps("j1").get(1);
        assertThat(requeued.status()).isEqualTo(StepStatus.READY);
        assertThat(requeued.workerId()).isNull();

        assertThat(jobs.readyStepsBefore(T0.plusSeconds(6))).extracting(JobStep::stepName).containsExactly("fetch");
        assertThat(jobs.readyStepsBefore(T0.plusSeconds(7))).extracting(JobStep::stepName)
                .containsExactly("fetch", "build-a");
    }

    @Test
    void aJobsLogGoesFromLiveToFinalisingToArchivingWithTheJob() {
        jobs.createJob(newJob("j1", "t", T0), List.of());
        assertThat(archives.find("j1").orElseThrow().state()).isEqualTo(LogState.LIVE);
        jobs.inJob("j1", tx -> tx.finishJob(JobStatus.COMPLETED, null, null, T0));
        assertThat(jobs.jobsToFinalize()).containsExactly("j1");
        assertThat(archives.find("j1").orElseThrow().state()).isEqualTo(LogState.FINALISING);
        assertThat(archives.claimDue("node-a", T0.plusSeconds(1), Duration.ofMinutes(1), 10)).isEmpty();

        jobs.useJob("j1", tx -> tx.markFinalised(true, T0.plusSeconds(1)));

        assertThat(jobs.jobsToFinalize()).isEmpty();
        assertThat(archives.isFinalised("j1")).isTrue();
        assertThat(archives.find("j1").orElseThrow().state()).isEqualTo(LogState.ARCHIVING);
        assertThat(archives.claimDue("node-a", T0.plusSeconds(1), Duration.ofMinutes(1), 10))
                .containsExactly(new LogStateStore.Claim("j1", 1, 0, null));
    }

    @Test
    void withoutAnArchiveAFinalisedLogIsCompleteAndNeverDue() {
        jobs.createJob(newJob("j1", "t", T0), List.of());
        jobs.useJob("j1", tx -> {
            tx.finishJob(JobStatus.FAILED, "x", null, T0);
            tx.markFinalised(false, T0);
        });
        assertThat(archives.find("j1").orElseThrow().state()).isEqualTo(LogState.COMPLETE);
        assertThat(archives.requestUpload("j1", T0.plusSeconds(1))).as("late line, no archive").isFalse();
        assertThat(archives.claimDue("node-a", T0.plusSeconds(9), Duration.ofMinutes(1), 10)).isEmpty();
    }

    @Test
    void aJobsLogIsCompleteOnceItAndEveryHookJobItFiredAreFinalised() {
        jobs.createJob(newJob("parent", "t", T0), List.of());
        jobs.inJob("parent", tx -> tx.finishJob(JobStatus.COMPLETED, null, null, T0));
        assertThat(archives.isLogComplete("parent")).as("terminal, not finalised").isFalse();

        jobs.useJob("parent", tx -> tx.markFinalised(false, T0));
        jobs.createJob(new Job("hook", "default", "notify", JobStatus.PENDING, Map.of(), Job.SOURCE_HOOK, "parent",
                "on_success[0]", null, null, null, T0, null, null), List.of());
        assertThat(archives.isLogComplete("parent")).as("hook job still to run").isFalse();

        jobs.inJob("hook", tx -> tx.finishJob(JobStatus.FAILED, "boom", null, T0));
        jobs.useJob("hook", tx -> tx.markFinalised(false, T0));
        assertThat(archives.isLogComplete("parent")).isTrue();
        assertThat(archives.isLogComplete("hook")).isTrue();
        assertThat(archives.isLogComplete("nope")).isFalse();
        assertThat(archives.completeAmong(List.of("parent", "hook", "nope")))
                .containsExactlyInAnyOrderEntriesOf(Map.of("parent", "completed", "hook", "failed"));
    }

    private void finishedAndQueued(String jobId) {
        jobs.createJob(newJob(jobId, "t", T0), List.of());
        jobs.useJob(jobId, tx -> {
            tx.finishJob(JobStatus.COMPLETED, null, null, T0);
            tx.markFinalised(true, T0);
        });
    }

    @Test
    void uploadsRetryWithBackoffAndReArchiveNewerGenerations() {
        finishedAndQueued("j1");
        var lease = Duration.ofMinutes(10);
        assertThat(archives.claimDue("a", T0, lease, 10)).hasSize(1);
        assertThat(archives.markFailed("j1", "a", false, "S3 unreachable", T0.plusSeconds(30))).isTrue();
        var failing = archives.find("j1").orElseThrow();
        assertThat(failing.state()).isEqualTo(LogState.FAILING);
        assertThat(failing.attempts()).isEqualTo(1);
        assertThat(failing.lastError()).isEqualTo("S3 unreachable");
        assertThat(failing.leaseOwner()).isNull();
        assertThat(archives.claimDue("a", T0.plusSeconds(29), lease, 10)).isEmpty();

        // A late line while failing keeps the backoff but bumps the generation.
        assertThat(archives.requestUpload("j1", T0.plusSeconds(5))).isTrue();
        assertThat(archives.claimDue("a", T0.plusSeconds(29), lease, 10)).isEmpty();
        assertThat(archives.claimDue("a", T0.plusSeconds(30), lease, 10))
                .containsExactly(new LogStateStore.Claim("j1", 2, 1, null));

        // An upload of generation 2 finishes while generation 3 was requested: stays due.
        archives.requestUpload("j1", T0.plusSeconds(31));
        assertThat(archives.markArchived("j1", "a", 2, "logs/default/t/x.jsonl.gz", 1234L, 7L, T0.plusSeconds(32))).isTrue();
        var stale = archives.find("j1").orElseThrow();
        assertThat(stale.state()).isEqualTo(LogState.ARCHIVING);
        assertThat(stale.archivedBytes()).isEqualTo(1234);
        assertThat(archives.pendingUploads()).isEqualTo(1);

        assertThat(archives.claimDue("a", T0.plusSeconds(33), lease, 10))
                .containsExactly(new LogStateStore.Claim("j1", 3, 0, "logs/default/t/x.jsonl.gz"));
        archives.markArchived("j1", "a", 3, "logs/default/t/x.jsonl.gz", 2048L, 9L, T0.plusSeconds(33));
        var done = archives.find("j1").orElseThrow();
        assertThat(done.state()).isEqualTo(LogState.ARCHIVED);
        assertThat(done.key()).isEqualTo("logs/default/t/x.jsonl.gz");
        assertThat(done.archivedAt()).isEqualTo(T0.plusSeconds(33));
        assertThat(done.archivedLines()).isEqualTo(9);
        assertThat(done.attempts()).isZero();
        assertThat(done.lastError()).isNull();
        assertThat(archives.pendingUploads()).isZero();
        assertThat(archives.claimDue("a", T0.plusSeconds(100), lease, 10)).isEmpty();
    }

    @Test
    void defect5_anUploadIsLeasedToOneNode_andAnotherTakesOverOnlyWhenTheLeaseRunsOut() {
        finishedAndQueued("j1");
        var lease = Duration.ofMinutes(10);
        assertThat(archives.claimDue("node-a", T0, lease, 10)).extracting(LogStateStore.Claim::jobId).containsExactly("j1");
        assertThat(archives.claimDue("node-b", T0.plusSeconds(1), lease, 10)).as("leased to node-a").isEmpty();

        // node-a dies; after its lease node-b takes over, and node-a's late outcome is not recorded.
        assertThat(archives.claimDue("node-b", T0.plus(lease).plusSeconds(1), lease, 10)).hasSize(1);
        assertThat(archives.markArchived("j1", "node-a", 1, "k", 1L, 1L, T0.plus(lease))).isFalse();
        assertThat(archives.find("j1").orElseThrow().leaseOwner()).isEqualTo("node-b");
        assertThat(archives.markFailed("j1", "node-b", true, "no local log", T0.plus(lease).plusSeconds(30))).isTrue();
        var missing = archives.find("j1").orElseThrow();
        assertThat(missing.state()).as("nothing uploaded is never archived").isEqualTo(LogState.MISSING);
        assertThat(missing.archivedAt()).isNull();
    }

    @Test
    void defect5_concurrentClaimers_neverGetTheSameUpload() throws Exception {
        for (int i = 0; i < 40; i++) {
            finishedAndQueued("j" + i);
        }
        var pool = Executors.newFixedThreadPool(4);
        var start = new CountDownLatch(1);
        var claimed = Collections.synchronizedList(new ArrayList<String>());
        try {
            var futures = new ArrayList<java.util.concurrent.Future<?>>();
            for (int n = 0; n < 4; n++) {
                String owner = "node-" + n;
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int round = 0; round < 20; round++) {
                        archives.claimDue(owner, T0.plusSeconds(1), Duration.ofMinutes(10), 3)
                                .forEach(c -> claimed.add(c.jobId()));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (var f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(claimed).hasSize(40).doesNotHaveDuplicates();
    }

    @Test
    void retentionSeesOnlyFinishedAndFinalisedJobsAndDeletesEverything() {
        jobs.createJob(newJob("old", "t", T0), diamond());
        jobs.createJob(newJob("running", "t", T0), diamond());
        jobs.createJob(newJob("unfinalised", "t", T0), List.of());
        jobs.useJob("old", tx -> {
            tx.finishJob(JobStatus.COMPLETED, null, null, T0.plusSeconds(1));
            tx.markFinalised(true, T0.plusSeconds(1));
        });
        jobs.inJob("unfinalised", tx -> tx.finishJob(JobStatus.FAILED, null, null, T0.plusSeconds(1)));

        // While its upload waits, a job is not retention's: the upload could race with the deletion.
        assertThat(jobs.terminalJobsEndedBefore(T0.plusSeconds(2), true, 0, 10)).isEmpty();
        // Without an archive configured nothing will ever upload it.
        assertThat(jobs.terminalJobsEndedBefore(T0.plusSeconds(2), false, 0, 10)).extracting(Job::jobId)
                .containsExactly("old");
        archives.claimDue("a", T0.plusSeconds(1), Duration.ofMinutes(1), 10);
        archives.markArchived("old", "a", 1, "default/t/old.jsonl.gz", 10L, 1L, T0.plusSeconds(1));

        assertThat(jobs.terminalJobsEndedBefore(T0.plusSeconds(2), true, 0, 10)).extracting(Job::jobId)
                .containsExactly("old");
        assertThat(jobs.terminalJobsEndedBefore(T0.plusSeconds(2), true, 1, 10)).isEmpty();
        assertThat(jobs.terminalJobsEndedBefore(T0, true, 0, 10)).isEmpty();

        jobs.deleteJob("old");
        assertThat(jobs.findJob("old")).isEmpty();
        assertThat(jobs.steps("old")).isEmpty();
        assertThat(archives.find("old")).isEmpty();
        assertThat(jobs.findJob("running")).isPresent();
    }

    @Test
    void workersRegisterBeatAndGoSilent() {
        var id = UUID.randomUUID().toString();
        workers.register(new Worker(id, "w1", List.of("script"), List.of("linux"), "0.1.0", Worker.ACTIVE, T0, T0));

        assertThat(workers.heartbeat(id, T0.plusSeconds(30))).isTrue();
        assertThat(workers.heartbeat("unknown", T0)).isFalse();
        var w = workers.find(id).orElseThrow();
        assertThat(w.capabilities()).containsExactly("script");
        assertThat(w.tags()).containsExactly("linux");
        assertThat(w.lastHeartbeat()).isEqualTo(T0.plusSeconds(30));

        assertThat(workers.deactivateSilentSince(T0.plusSeconds(30))).isEmpty();
        assertThat(workers.deactivateSilentSince(T0.plus(Duration.ofMinutes(3)))).extracting(Worker::workerId)
                .containsExactly(id);
        assertThat(workers.find(id).orElseThrow().status()).isEqualTo(Worker.INACTIVE);

        workers.heartbeat(id, T0.plus(Duration.ofMinutes(4)));
        assertThat(workers.find(id).orElseThrow().status()).isEqualTo(Worker.ACTIVE);

        workers.deactivateSilentSince(T0.plus(Duration.ofMinutes(10)));
        assertThat(workers.deleteInactiveSilentSince(T0.plus(Duration.ofMinutes(5)))).isEqualTo(1);
        assertThat(workers.list()).isEmpty();
    }
}
