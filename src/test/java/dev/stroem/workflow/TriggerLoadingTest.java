package dev.stroem.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code triggers:} blocks as the original's workflow YAML reference writes them. */
class TriggerLoadingTest {

    static final String TASKS = """
            tasks:
              backup:
                flow:
                  run: { type: script, script: echo backup }
              deploy:
                flow:
                  run: { type: script, script: echo deploy }
            """;

    @TempDir
    Path dir;

    WorkflowFixture ws;

    @BeforeEach
    void setUp() {
        ws = new WorkflowFixture(dir);
    }

    @Test
    void loadsSchedulerAndWebhookTriggersWithTheirDefaults() {
        ws.file("a.yaml", TASKS + """
                triggers:
                  nightly-backup:
                    type: scheduler
                    cron: "0 0 2 * * *"
                    task: backup
                    input:
                      retention_days: 30
                  hourly:
                    type: scheduler
                    cron: "0 * * * *"
                    timezone: Europe/Copenhagen
                    concurrency: cancel_previous
                    enabled: false
                    task: backup
                  on-push:
                    type: webhook
                    name: github-push
                    task: deploy
                    secret: whsec_abc123
                    input:
                      environment: staging
                  deploy-sync:
                    type: webhook
                    name: deploy
                    task: deploy
                    mode: sync
                    timeout_secs: 60
                """);
        var workspace = ws.load();
        assertThat(workspace.errors()).isEmpty();
        assertThat(workspace.triggers()).containsOnlyKeys("nightly-backup", "hourly", "on-push", "deploy-sync");

        var nightly = (ScheduleTrigger) workspace.triggers().get("nightly-backup");
        assertThat(nightly.task()).isEqualTo("backup");
        assertThat(nightly.enabled()).isTrue();
        assertThat(nightly.input()).isEqualTo(Map.of("retention_days", 30));
        assertThat(nightly.schedule().expression()).isEqualTo("0 0 2 * * *");
        assertThat(nightly.schedule().zone().getId()).isEqualTo("Z");
        assertThat(nightly.concurrency()).isEqualTo(ScheduleTrigger.Concurrency.ALLOW);

        var hourly = (ScheduleTrigger) workspace.triggers().get("hourly");
        assertThat(hourly.enabled()).isFalse();
        assertThat(hourly.schedule().zone().getId()).isEqualTo("Europe/Copenhagen");
        assertThat(hourly.concurrency()).isEqualTo(ScheduleTrigger.Concurrency.CANCEL_PREVIOUS);

        var push = (WebhookTrigger) workspace.triggers().get("on-push");
        assertThat(push.webhookName()).isEqualTo("github-push");
        assertThat(push.secret()).isEqualTo("whsec_abc123");
        assertThat(push.sync()).isFalse();
        assertThat(push.timeoutSecs()).isEqualTo(30);
        assertThat(push.toString()).doesNotContain("whsec_abc123");
        assertThat(workspace.webhook("github-push")).contains(push);

        var sync = (WebhookTrigger) workspace.triggers().get("deploy-sync");
        assertThat(sync.sync()).isTrue();
        assertThat(sync.secret()).isNull();
        assertThat(sync.timeoutSecs()).isEqualTo(60);
    }

    @Test
    void eachBadTriggerIsReportedAndLeftOutWhileTheRestLoads() {
        ws.file("a.yaml", TASKS + """
                triggers:
                  good:
                    type: scheduler
                    cron: "0 2 * * *"
                    task: backup
                  bad-cron:
                    type: scheduler
                    cron: "0 2 * *"
                    task: backup
                  bad-zone:
                    type: scheduler
                    cron: "0 2 * * *"
                    timezone: Europe/Atlantis
                    task: backup
                  bad-policy:
                    type: scheduler
                    cron: "0 2 * * *"
                    concurrency: queue
                    task: backup
                  no-task:
                    type: scheduler
                    cron: "0 2 * * *"
                    task: restore
                  mixed:
                    type: scheduler
                    cron: "0 2 * * *"
                    secret: x
                    task: backup
                  bad-name:
                    type: webhook
                    name: "deploy/now"
                    task: deploy
                  bad-mode:
                    type: webhook
                    name: m
                    mode: later
                    timeout_secs: 301
                    task: deploy
                  queue:
                    type: event_source
                    task: backup
                    target_task: deploy
                  odd:
                    type: email
                    task: backup
                  typo:
                    type: webhook
                    name: t
                    task: deploy
                    secrte: x
                """);
        var workspace = ws.load();
        assertThat(workspace.triggers()).containsOnlyKeys("good");
        assertThat(ws.problems()).containsExactly(
                ".workflows/a.yaml: trigger 'bad-cron': 'cron' '0 2 * *' has 4 fields (expected 5: minute hour day month weekday, or 6 with seconds first)",
                ".workflows/a.yaml: trigger 'bad-zone': 'timezone' 'Europe/Atlantis' is not an IANA time zone name",
                ".workflows/a.yaml: trigger 'bad-policy': 'concurrency' 'queue' is not one of allow, skip, cancel_previous",
                ".workflows/a.yaml: trigger 'mixed': 'secret' is not a field of a scheduler trigger",
                ".workflows/a.yaml: trigger 'bad-name': 'name' 'deploy/now' may only hold letters, digits, '-' and '_' (it is part of the URL /hooks/{name})",
                ".workflows/a.yaml: trigger 'bad-mode': 'mode' 'later' is not one of async, sync",
                ".workflows/a.yaml: trigger 'bad-mode': 'timeout_secs' must be between 1 and 300, got 301",
                ".workflows/a.yaml: trigger 'queue': 'event_source' triggers are not supported by Strøm for the JVM",
                ".workflows/a.yaml: trigger 'odd': trigger type 'email' is unknown (expected scheduler or webhook)",
                ".workflows/a.yaml: trigger 'typo': unknown field 'secrte' (known: concurrency, cron, enabled, input, mode, name, secret, task, timeout_secs, timezone, type)",
                ".workflows/a.yaml: trigger 'no-task': targets unknown task 'restore'");
    }

    @Test
    void triggerKeysAndWebhookNamesAreUniqueInAWorkspace() {
        ws.file("a.yaml", TASKS + """
                triggers:
                  push:
                    type: webhook
                    name: github
                    task: deploy
                """);
        ws.file("b.yaml", """
                triggers:
                  push:
                    type: webhook
                    name: other
                    task: deploy
                  push-again:
                    type: webhook
                    name: github
                    task: backup
                """);
        var workspace = ws.load();
        assertThat(workspace.triggers()).containsOnlyKeys("push");
        assertThat(ws.problems()).containsExactly(
                ".workflows/b.yaml: trigger 'push': trigger is already defined in .workflows/a.yaml",
                ".workflows/b.yaml: trigger 'push-again': webhook name 'github' is already used by trigger 'push'");
    }

    @Test
    void aDisabledWebhookIsLoadedButAnswersNothing() {
        ws.file("a.yaml", TASKS + """
                triggers:
                  off:
                    type: webhook
                    name: off
                    task: deploy
                    enabled: false
                """);
        var workspace = ws.load();
        assertThat(workspace.triggers()).containsKey("off");
        assertThat(workspace.webhook("off")).isEmpty();
    }
}
