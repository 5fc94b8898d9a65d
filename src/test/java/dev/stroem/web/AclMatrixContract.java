package dev.stroem.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The original's ACL applied to every route: users in groups × tasks in folders and workspaces ×
 * list, detail, logs, raw download, WebSocket, execute and cancel, each allowed or refused as the
 * authorization guide says (deny = invisible = 404, view = read-only = 403 on execute/cancel), and
 * lists and totals showing only what a user may see.
 */
abstract class AclMatrixContract extends ServerContract {
    static final String ACL_YAML = """
            acl:
              default: deny
              rules:
                - workspace: "default"
                  tasks: ["deploy/*"]
                  action: run
                  groups: [devops]
                - workspace: "*"
                  tasks: ["*"]
                  action: view
                  groups: [engineering]
                - workspace: "default"
                  tasks: ["hello-world"]
                  action: run
                  users: [Contractor@Ext.com]
            """;

    static final String DEPLOY_YAML = """
            tasks:
              deploy-api:
                folder: deploy
                flow:
                  go:
                    type: script
                    script: echo deploying
            """;

    /** Who, and what they may do with deploy/deploy-api, hello-world and broken's still-works. */
    enum Who {
        ADMIN(null, "run", "run", "run"),
        DEVOPS(List.of("devops"), "run", "deny", "deny"),
        ENGINEER(List.of("engineering"), "view", "view", "view"),
        CONTRACTOR(List.of(), "deny", "run", "deny"),
        NOBODY(List.of(), "deny", "deny", "deny");

        final List<String> groups;
        final String deploy;
        final String hello;
        final String stillWorks;

        Who(List<String> groups, String deploy, String hello, String stillWorks) {
            this.groups = groups;
            this.deploy = deploy;
            this.hello = hello;
            this.stillWorks = stillWorks;
        }

        String email() {
            return this == CONTRACTOR ? "contractor@ext.com" : name().toLowerCase() + "@stroem.local";
        }
    }

    record Target(String workspace, String task, String jobId) {}

    @Override
    TestServer.Config configure(TestServer.Config config) {
        return config.yaml(AuthFlowContract.AUTH_YAML).yaml(ACL_YAML).workflowFile("deploy.yaml", DEPLOY_YAML);
    }

    private HttpTestClient as(Who who, HttpTestClient admin) {
        if (who == Who.ADMIN) {
            return admin;
        }
        var created = admin.post("/api/users", Map.of("email", who.email(), "password", "pw-" + who, "groups", who.groups));
        assertThat(created.status()).as("%s", created).isEqualTo(200);
        var login = api.post("/api/auth/login", Map.of("email", who.email(), "password", "pw-" + who));
        assertThat(login.status()).as("%s", login).isEqualTo(200);
        return api.withToken(login.json().path("access_token").asText());
    }

    @Test
    void everyRouteAllowsOrRefusesAsTheAclSays() throws Exception {
        var login = api.post("/api/auth/login", Map.of("email", AuthFlowContract.ADMIN, "password", AuthFlowContract.ADMIN_PASSWORD));
        var admin = api.withToken(login.json().path("access_token").asText());
        assertThat(api.get("/api/config").json().path("acl_enabled").asBoolean()).isTrue();
        var deploy = new Target("default", "deploy-api", run(admin, "default", "deploy-api"));
        var hello = new Target("default", "hello-world", run(admin, "default", "hello-world"));
        var stillWorks = new Target("broken", "still-works", run(admin, "broken", "still-works"));

        var problems = new ArrayList<String>();
        var clients = new java.util.EnumMap<Who, HttpTestClient>(Who.class);
        for (Who who : Who.values()) {
            clients.put(who, as(who, admin));
        }
        // Lists first, while the only jobs are the three above (execute below adds more).
        for (Who who : Who.values()) {
            var targets = Map.of(deploy, who.deploy, hello, who.hello, stillWorks, who.stillWorks);
            long visibleJobs = targets.values().stream().filter(p -> !p.equals("deny")).count();
            JsonNode jobs = clients.get(who).get("/api/jobs").json();
            expect(problems, who, "GET /api/jobs total", jobs.path("total").asLong(), visibleJobs);
            expect(problems, who, "GET /api/jobs items", (long) jobs.path("items").size(), visibleJobs);
            for (var entry : targets.entrySet()) {
                boolean jobListed = false;
                for (JsonNode item : jobs.path("items")) {
                    jobListed |= entry.getKey().jobId().equals(item.path("job_id").asText());
                }
                expect(problems, who, "job list shows " + entry.getKey().task(), jobListed, !entry.getValue().equals("deny"));
            }
        }
        for (Who who : Who.values()) {
            var client = clients.get(who);
            var targets = Map.of(deploy, who.deploy, hello, who.hello, stillWorks, who.stillWorks);
            for (var entry : targets.entrySet()) {
                var t = entry.getKey();
                String perm = entry.getValue();
                boolean sees = !perm.equals("deny");
                int read = sees ? 200 : 404;
                String task = "/api/workspaces/" + t.workspace() + "/tasks/" + t.task();
                String job = "/api/jobs/" + t.jobId();

                boolean listed = false;
                for (JsonNode item : client.get("/api/workspaces/" + t.workspace() + "/tasks").json()) {
                    listed |= t.task().equals(item.path("name").asText());
                }
                expect(problems, who, "task list shows " + t.task(), listed, sees);
                expect(problems, who, "GET " + task, client.get(task).status(), read);
                expect(problems, who, "GET " + job, client.get(job).status(), read);
                expect(problems, who, "GET logs of " + t.task(), client.get(job + "/logs").status(), read);
                expect(problems, who, "GET step logs of " + t.task(), client.get(job + "/steps/_server/logs").status(), read);
                expect(problems, who, "GET raw of " + t.task(), client.get(job + "/logs/raw").status(), read);
                try (var ws = RawUpgrade.open(java.net.URI.create(server.url()).getPort(), job + "/logs/stream",
                        Map.of("Authorization", client.request("/").build().headers().firstValue("Authorization").orElseThrow()))) {
                    expect(problems, who, "WebSocket of " + t.task(), ws.status, sees ? 101 : 404);
                }
                int runStatus = perm.equals("run") ? 200 : sees ? 403 : 404;
                expect(problems, who, "POST execute " + t.task(),
                        client.post(task + "/execute", Map.of("input", Map.of())).status(), runStatus);
                int cancel = client.post(job + "/cancel", "").status();
                // Allowed: 200, or 409 once an earlier user has cancelled it.
                expect(problems, who, "POST cancel " + t.task(), perm.equals("run") ? (cancel == 409 ? 200 : cancel) : cancel,
                        runStatus);
            }

            int workspaces = client.get("/api/workspaces").json().size();
            long expectedWorkspaces = (who.deploy.equals("deny") && who.hello.equals("deny") ? 0 : 1)
                    + (who.stillWorks.equals("deny") ? 0 : 1);
            expect(problems, who, "GET /api/workspaces size", (long) workspaces, expectedWorkspaces);
            expect(problems, who, "GET /api/users", client.get("/api/users").status(), who == Who.ADMIN ? 200 : 403);
            // Workers: admins only while an acl is configured; an unknown (well-formed) id is then a 404.
            expect(problems, who, "GET /api/workers", client.get("/api/workers").status(), who == Who.ADMIN ? 200 : 403);
            expect(problems, who, "GET /api/workers/{unknown}", client.get("/api/workers/" + java.util.UUID.randomUUID())
                    .status(), who == Who.ADMIN ? 404 : 403);
            // A malformed id is refused before anyone's access is looked at.
            expect(problems, who, "GET /api/workers/{malformed}", client.get("/api/workers/not-a-uuid").status(), 400);
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void totalsCountOnlyVisibleJobsAcrossPages() {
        var login = api.post("/api/auth/login", Map.of("email", AuthFlowContract.ADMIN, "password", AuthFlowContract.ADMIN_PASSWORD));
        var admin = api.withToken(login.json().path("access_token").asText());
        for (int i = 0; i < 3; i++) {
            run(admin, "default", "deploy-api");
            run(admin, "default", "chain");
        }
        var devops = as(Who.DEVOPS, admin);
        var page = devops.get("/api/jobs?limit=2").json();
        assertThat(page.path("total").asLong()).isEqualTo(3);
        assertThat(page.path("items")).hasSize(2);
        assertThat(devops.get("/api/jobs?limit=2&offset=2").json().path("items")).hasSize(1);
        assertThat(devops.get("/api/jobs?workspace=default&task_name=chain").json().path("total").asLong()).isZero();
        assertThat(admin.get("/api/jobs").json().path("total").asLong()).isEqualTo(6);
        // The workspace list counts only the tasks a user may see.
        var workspaces = devops.get("/api/workspaces").json();
        assertThat(workspaces).hasSize(1);
        assertThat(workspaces.get(0).path("tasks_count").asInt()).isEqualTo(1);
    }

    private static String run(HttpTestClient client, String ws, String task) {
        var answer = client.post("/api/workspaces/" + ws + "/tasks/" + task + "/execute", Map.of("input", Map.of()));
        assertThat(answer.status()).as("%s", answer).isEqualTo(200);
        return answer.json().path("job_id").asText();
    }

    private static void expect(List<String> problems, Who who, String what, Object actual, Object expected) {
        if (!expected.equals(actual)) {
            problems.add(who + " " + what + ": expected " + expected + ", got " + actual);
        }
    }

}
