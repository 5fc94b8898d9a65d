package dev.stroem.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A JSON shape written as the original Strøm documents it for its clients (a TypeScript-like
 * field list: {@code "revision: string | null"}), checked key by key: every documented key is
 * present with its JSON type. Keys we add beside them are allowed.
 */
final class DocumentedShape {
    /** RFC 3339 in UTC, as the original writes times ({@code 2025-02-10T12:00:01.123Z}). */
    static final Pattern TIMESTAMP = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z");

    private final String name;
    private final Map<String, String> fields = new LinkedHashMap<>();

    private DocumentedShape(String name, String... declarations) {
        this.name = name;
        for (String d : declarations) {
            int colon = d.indexOf(':');
            fields.put(d.substring(0, colon).trim().replace("?", ""), d.substring(colon + 1).trim());
        }
    }

    static DocumentedShape of(String name, String... declarations) {
        return new DocumentedShape(name, declarations);
    }

    /** The original's {@code JobListItem}. */
    static final DocumentedShape JOB_LIST_ITEM = of("JobListItem",
            "job_id: string", "workspace: string", "task_name: string", "mode: string", "status: string",
            "source_type: string", "source_id: string | null", "revision: string | null", "created_at: time",
            "started_at: time | null", "completed_at: time | null");

    /** The original's {@code JobDetail} (its steps are checked with {@link #JOB_STEP}). */
    static final DocumentedShape JOB_DETAIL = of("JobDetail",
            "job_id: string", "workspace: string", "task_name: string", "mode: string",
            "input: object | null", "raw_input: object | null", "output: object | null", "status: string",
            "source_type: string", "source_id: string | null", "source_job_id: string | null",
            "restart_from_step: string | null", "parent_job_id: string | null", "revision: string | null",
            "worker_id: string | null", "created_at: time", "started_at: time | null", "completed_at: time | null",
            "retry_of_job_id: string | null", "retry_job_id: string | null", "retry_attempt: number",
            "max_retries: number | null", "steps: array");

    /** The original's {@code JobStep}; a loop placeholder's output is its instances' outputs (guides/loops.md), a list. */
    static final DocumentedShape JOB_STEP = of("JobStep",
            "step_name: string", "action_name: string", "action_type: string", "action_image: string | null",
            "runner: string", "input: object | null", "output: object | array | null", "status: string",
            "worker_id: string | null", "started_at: time | null", "completed_at: time | null",
            "suspended_at: time | null", "error_message: string | null", "when_condition: string | null",
            "depends_on: array", "for_each_expr: string | null", "loop_source: string | null",
            "loop_index: number | null", "loop_total: number | null", "retry_attempt: number",
            "max_retries: number | null", "retry_history: array", "retry_at: time | null",
            "approval_message: string | null", "approval_fields: object | null", "carried_over: boolean",
            "skip_reason: string | null");

    /** Asserts that {@code node} has every key of this shape with its type. */
    void assertOn(JsonNode node) {
        assertThat(node.isObject()).as("%s is an object: %s", name, node).isTrue();
        fields.forEach((key, type) -> {
            assertThat(node.has(key)).as("%s has key %s: %s", name, key, node).isTrue();
            JsonNode value = node.get(key);
            boolean ok = false;
            for (String alternative : type.split("\\|")) {
                ok |= matches(value, alternative.trim());
            }
            assertThat(ok).as("%s.%s is %s, got %s", name, key, type, value).isTrue();
        });
    }

    private static boolean matches(JsonNode value, String type) {
        return switch (type) {
            case "null" -> value.isNull();
            case "string" -> value.isTextual();
            case "time" -> value.isTextual() && TIMESTAMP.matcher(value.asText()).matches();
            case "number" -> value.isNumber();
            case "boolean" -> value.isBoolean();
            case "object" -> value.isObject();
            case "array" -> value.isArray();
            default -> throw new IllegalArgumentException("unknown type in a shape: " + type);
        };
    }
}
