package dev.stroem.triggers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stroem.jobs.Job;
import dev.stroem.jobs.JobStatus;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cron scheduler on a real server and database, with the time set by the test: fires at the
 * slots of the expression in its zone, once each, through restarts and downtime, with the
 * documented concurrency policies and DST rules. Run by each backend.
 */
abstract class CronSchedulerContract {

    static final String TASK = """
            tasks:
              backup:
                input:
                  retention_days: { type: integer, default: 7 }
                flow:
                  run:
                    type: script
                    input:
                      retention_days: "{{ input.retention_days }}"
                    script: echo backup {{ input.retention_days }}
            """;

    @TempDir
    Path dir;

    private TriggerServer server;

    /** The {@code db.url} of a fresh, empty database. */
    abstract String databaseUrl();

    TriggerServer server(String start, String triggers) {
        server = new TriggerServer(dir, databaseUrl(), new SettableClock(Instant.parse(start)))
                .workflow(TASK + triggers).start();
        return server;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void firesOnceAtEachSlotWithItsInputAndSource() {
        var s = server("2026-01-10T00:00:00Z", """
                triggers:
                  nightly:
                    type: scheduler
                    cron: "0 2 * * *"
                    task: backup
                    input:
                      retention_days: 30
                """);
        s.tick();
        assertThat(s.jobs()).isEmpty();

        s.tickAt("2026-01-10T01:59:59Z");
        assertThat(s.jobs()).isEmpty();

        s.tickAt("2026-01-10T02:00:00Z");
        s.tick();
        assertThat(s.jobs()).singleElement().satisfies(job -> {
            assertThat(job.taskName()).isEqualTo("backup");
            assertThat(job.sourceType()).isEqualTo(Job.SOURCE_TRIGGER);
            assertThat(job.sourceId()).isEqualTo("default/nightly");
            assertThat(job.input()).containsEntry("retention_days", 30);
            assertThat(job.createdAt()).isEqualTo(Instant.parse("2026-01-10T02:00:00Z"));
        });

        s.tickAt("2026-01-11T02:00:00Z");
        assertThat(s.jobs()).hasSize(2);
        var api = s.getJson("/api/jobs/" + s.jobs().get(1).jobId());
        assertThat(api.path("source_type").asText()).isEqualTo("trigger");
        assertThat(api.path("source_id").asText()).isEqualTo("default/nightly");
    }

    @Test
    void sixFieldExpressionsFireOnTheSecond() {
        var s = server("2026-01-10T00:00:00Z", """
                triggers:
                  often:
                    type: scheduler
                    cron: "*/10 * * * * *"
                    task: backup
                """);
        s.tick();
        for (int second = 1; second <= 30; second++) {
            s.clock.set(Instant.parse("2026-01-10T00:00:00Z").plusSeconds(second));
            s.tick();
        }
        assertThat(s.jobTimes()).containsExactly(Instant.parse("2026-01-10T00:00:10Z"),
                Instant.parse("2026-01-10T00:00:20Z"), Instant.parse("2026-01-10T00:00:30Z"));
    }

    @Test
    void aRestartBetweenTwoFiresNeitherRepeatsNorLosesOne() {
        var s = server("2026-01-10T00:00:00Z", """
                triggers:
                  hourly:
                    type: scheduler
                    cron: "0 * * * *"
                    task: backup
                """);
        s.tick();
        s.tickAt("2026-01-10T01:00:00Z");
        assertThat(s.jobs()).hasSize(1);

        s.clock.set("2026-01-10T01:30:00Z");
        s.restart();
        s.tick();
        assertThat(s.jobs()).as("the 01:00 slot already fired before the restart").hasSize(1);

        s.tickAt("2026-01-10T02:00:00Z");
        assertThat(s.jobTimes()).containsExactly(Instant.parse("2026-01-10T01:00:00Z"),
                Instant.parse("2026-01-10T02:00:00Z"));
    }

    @Test
    void slotsMissedWhileTheServerWasDownFireOnceOnStart() {
        var s = server("2026-01-10T00:00:00Z", """
                triggers:
                  hourly:
                    type: scheduler
                    cron: "0 * * * *"
                    task: backup
                """);
        s.tick();
        s.stop();
        s.clock.set("2026-01-10T05:20:00Z"); // 01:00 … 05:00 passed while down
        s.start();
        s.tick();
        s.tick();
        assertThat(s.jobTimes()).containsExactly(Instant.parse("2026-01-10T05:20:00Z"));

        s.tickAt("2026-01-10T06:00:00Z");
        assertThat(s.jobs()).hasSize(2);
    }

    @Test
    void aTriggerAddedLaterDoesNotFireForTheTimeBeforeIt() {
        var s = server("2026-01-10T00:30:00Z", """
                triggers:
                  hourly:
                    type: scheduler
                    cron: "0 * * * *"
                    task: backup
                """);
        s.tick();
        assertThat(s.jobs()).isEmpty();
    }

    @Test
    void springForwardFiresAtTheFirstValidTimeAfterTheGap() {
        // Europe/Copenhagen, 2026-03-29: 02:00 CET jumps to 03:00 CEST, so 02:30 does not exist.
        var s = server("2026-03-28T12:00:00Z", """
                triggers:
                  nightly:
                    type: scheduler
                    cron: "30 2 * * *"
                    timezone: Europe/Copenhagen
                    task: backup
                """);
        s.tick();
        s.tickAt("2026-03-29T00:59:59Z");
        assertThat(s.jobs()).isEmpty();
        s.clock.set("2026-03-29T01:00:00Z"); // 03:00 CEST
        s.tick();
        s.clock.set("2026-03-30T00:30:00Z"); // 02:30 CEST the next night
        s.tick();
        assertThat(s.jobTimes()).containsExactly(Instant.parse("2026-03-29T01:00:00Z"),
                Instant.parse("2026-03-30T00:30:00Z"));
    }

    @Test
    void fallBackFiresOnceAtTheFirstOccurrence() {
        // Europe/Copenhagen, 2026-10-25: 03:00 CEST goes back to 02:00 CET, so 02:30 happens twice.
        var s = server("2026-10-24T12:00:00Z", """
                triggers:
                  nightly:
                    type: scheduler
                    cron: "30 2 * * *"
                    timezone: Europe/Copenhagen
                    task: backup
                """);
        s.tick();
        s.clock.set("2026-10-25T00:30:00Z"); // 02:30 CEST, the first 02:30
        s.tick();
        s.clock.set("2026-10-25T01:30:00Z"); // 02:30 CET, the second 02:30
        s.tick();
        assertThat(s.jobTimes()).containsExactly(Instant.parse("2026-10-25T00:30:00Z"));
        s.clock.set("2026-10-26T01:30:00Z"); // 02:30 CET the next night
        s.tick();
        assertThat(s.jobs()).hasSize(2);
    }

    @Test
    void skipRecordsASkippedJobWhileAnEarlierFireIsActive() {
        var s = server("2026-01-10T00:00:00Z", """
                triggers:
                  hourly:
                    type: scheduler
                    cron: "0 * * * *"
                    task: backup
                    concurrency: skip
                """);
        s.tick();
        s.tickAt("2026-01-10T01:00:00Z");
        s.clock.set("2026-01-10T02:00:00Z"); // no worker: the first job is still pending
        s.tick();
        List<Job> jobs = s.jobs();
        assertThat(jobs).extracting(Job::status).containsExactly(JobStatus.PENDING, JobStatus.SKIPPED);
        assertThat(jobs.get(1).sourceId()).isEqualTo("default/hourly");
        assertThat(s.app().jobs().steps(jobs.get(1).jobId())).isEmpty();
        var api = s.getJson("/api/jobs/" + jobs.get(1).jobId());
        assertThat(api.path("status").asText()).isEqualTo("skipped");
        assertThat(s.getJson("/api/jobs?status=skipped").path("total").asInt()).isEqualTo(1);

        s.app().orchestrator().cancel(jobs.get(0).jobId(), "test");
        s.tickAt("2026-01-10T03:00:00Z");
        assertThat(s.jobs()).extracting(Job::status)
                .containsExactly(JobStatus.CANCELLED, JobStatus.SKIPPED, JobStatus.PENDING);
    }

    @Test
    void cancelPreviousCancelsTheActiveJobsThenStartsANewOne() {
        var s = server("2026-01-10T00:00:00Z", """
                triggers:
                  hourly:
                    type: scheduler
                    cron: "0 * * * *"
                    task: backup
                    concurrency: cancel_previous
                """);
        s.tick();
        s.tickAt("2026-01-10T01:00:00Z");
        s.tickAt("2026-01-10T02:00:00Z");
        assertThat(s.jobs()).extracting(Job::status).containsExactly(JobStatus.CANCELLED, JobStatus.PENDING);
        assertThat(s.jobs().get(0).cancelledBy()).isEqualTo("trigger default/hourly");
    }

    @Test
    void allowStartsANewJobWhateverRuns() {
        var s = server("2026-01-10T00:00:00Z", """
                triggers:
                  hourly:
                    type: scheduler
                    cron: "0 * * * *"
                    task: backup
                """);
        s.tick();
        s.tickAt("2026-01-10T01:00:00Z");
        s.tickAt("2026-01-10T02:00:00Z");
        assertThat(s.jobs()).extracting(Job::status).containsExactly(JobStatus.PENDING, JobStatus.PENDING);
    }

    @Test
    void aDisabledTriggerNeverFires() {
        var s = server("2026-01-10T00:00:00Z", """
                triggers:
                  hourly:
                    type: scheduler
                    cron: "0 * * * *"
                    task: backup
                    enabled: false
                """);
        s.tick();
        s.tickAt("2026-01-10T05:00:00Z");
        assertThat(s.jobs()).isEmpty();
        var listed = s.getJson("/api/workspaces/default/triggers");
        assertThat(listed.get(0).path("enabled").asBoolean()).isFalse();
        assertThat(listed.get(0).path("next_runs")).isEmpty();
    }

    @Test
    void aChangedExpressionIsRescheduledAnUnchangedOneKept() {
        var s = server("2026-01-10T00:00:00Z", """
                triggers:
                  daily:
                    type: scheduler
                    cron: "0 12 * * *"
                    task: backup
                """);
        s.tick();
        s.workflow(TASK + """
                triggers:
                  daily:
                    type: scheduler
                    cron: "0 6 * * *"
                    task: backup
                """);
        s.clock.set("2026-01-10T05:00:00Z");
        s.restart();
        s.tick();
        assertThat(s.getJson("/api/workspaces/default/triggers").get(0).path("next_runs").get(0).asText())
                .isEqualTo("2026-01-10T06:00:00+00:00");
        s.tickAt("2026-01-10T06:00:00Z");
        s.tickAt("2026-01-10T12:00:00Z");
        assertThat(s.jobTimes()).containsExactly(Instant.parse("2026-01-10T06:00:00Z"));
    }

    @Test
    void theTriggerListShowsEachTriggerWithItsNextFiveRuns() {
        var s = server("2026-01-10T00:00:00Z", """
                triggers:
                  nightly:
                    type: scheduler
                    cron: "0 0 2 * * *"
                    timezone: Europe/Copenhagen
                    task: backup
                    concurrency: skip
                    input:
                      retention_days: 30
                """);
        s.tick();
        var listed = s.getJson("/api/workspaces/default/triggers");
        assertThat(listed).hasSize(1);
        var nightly = listed.get(0);
        assertThat(nightly.path("name").asText()).isEqualTo("nightly");
        assertThat(nightly.path("type").asText()).isEqualTo("scheduler");
        assertThat(nightly.path("cron").asText()).isEqualTo("0 0 2 * * *");
        assertThat(nightly.path("task").asText()).isEqualTo("backup");
        assertThat(nightly.path("enabled").asBoolean()).isTrue();
        assertThat(nightly.path("timezone").asText()).isEqualTo("Europe/Copenhagen");
        assertThat(nightly.path("concurrency").asText()).isEqualTo("skip");
        assertThat(nightly.path("input").path("retention_days").asInt()).isEqualTo(30);
        assertThat(nightly.path("next_runs")).extracting(n -> n.asText()).containsExactly(
                "2026-01-10T01:00:00+00:00", "2026-01-11T01:00:00+00:00", "2026-01-12T01:00:00+00:00",
                "2026-01-13T01:00:00+00:00", "2026-01-14T01:00:00+00:00");

        assertThat(s.get("/api/workspaces/nope/triggers").statusCode()).isEqualTo(404);
        assertThat(s.getJson("/api/workspaces/nope/triggers").path("error").asText()).contains("nope");
    }
}
