package dev.stroem.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A user running a task with dropdowns, multi-selects and dates through the API: the task detail
 * carries what the UI needs to draw them, and a value the schema refuses is a 400 naming the field
 * that creates no job.
 */
abstract class TaskInputsContract extends ServerContract {

    @Override
    TestServer.Config configure(TestServer.Config config) {
        return config.workflowFile("inputs.yaml", """
                tasks:
                  release:
                    input:
                      environments:
                        type: string
                        options: [dev, staging, prod]
                        multiple: true
                        default: [dev]
                        order: 2
                      region:
                        type: string
                        options: [eu-west-1, us-east-1]
                        allow_custom: true
                        order: 1
                      size: { type: string, options: [small, large], default: small }
                      day: { type: date }
                    flow:
                      ship:
                        type: script
                        script: echo shipping
                """);
    }

    @Test
    void theTaskDetailCarriesOptionsCustomValuesMultiSelectAndOrder() {
        var input = api.get("/api/workspaces/default/tasks/release").json().path("input");
        assertThat(input.at("/environments/multiple").asBoolean()).isTrue();
        assertThat(input.at("/environments/default").toString()).isEqualTo("[\"dev\"]");
        assertThat(input.at("/environments/order").asInt()).isEqualTo(2);
        assertThat(input.at("/region/allow_custom").asBoolean()).isTrue();
        assertThat(input.at("/region/options").toString()).isEqualTo("[\"eu-west-1\",\"us-east-1\"]");
        assertThat(input.at("/size").has("multiple")).isFalse();
    }

    @Test
    void aValueOutsideTheOptionsOrABadDateIs400NamingTheFieldAndCreatesNoJob() {
        var release = "/api/workspaces/default/tasks/release/execute";
        assertError(api.post(release, Map.of("input", Map.of("size", "huge"))), 400, "input.size: \"huge\" is not one of small, large");
        assertError(api.post(release, Map.of("input", Map.of("environments", List.of("prod", "moon")))), 400,
                "input.environments: \"moon\" is not one of dev, staging, prod");
        assertError(api.post(release, Map.of("input", Map.of("day", "next tuesday"))), 400,
                "input.day: expected a date (YYYY-MM-DD)");
        assertThat(api.get("/api/jobs").json().path("total").asLong()).isZero();

        String jobId = execute("release", Map.of("environments", List.of("staging", "prod"), "region", "ap-south-2",
                "day", "2026-12-24"));

        var jobInput = job(jobId).path("input");
        assertThat(jobInput.path("environments").toString()).isEqualTo("[\"staging\",\"prod\"]");
        assertThat(jobInput.path("region").asText()).isEqualTo("ap-south-2");
        assertThat(jobInput.path("size").asText()).isEqualTo("small");
        assertThat(jobInput.path("day").asText()).isEqualTo("2026-12-24");
    }
}
