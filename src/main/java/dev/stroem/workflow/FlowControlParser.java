package dev.stroem.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Reads a step's {@code when}, {@code for_each}, {@code sequential} and {@code retry} (and an
 * action's or task's {@code retry}), checking what the original checks at load: template syntax,
 * the shape of a literal list, and the retry limits.
 */
final class FlowControlParser {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> RETRY_FIELDS = Set.of("max_attempts", "delay", "backoff", "jitter");

    private final TemplateEngine templates;

    FlowControlParser(TemplateEngine templates) {
        this.templates = templates;
    }

    /** @param problems receives one sentence per problem; the result is then meaningless */
    FlowControl parse(JsonNode when, JsonNode forEach, Boolean sequential, JsonNode retry, String where,
            Consumer<String> problems) {
        String condition = condition(when, where, problems);
        Object items = forEach(forEach, where, problems);
        RetryPolicy policy = retry(retry, problems);
        if (condition == null && items == null && policy == null) {
            return FlowControl.NONE;
        }
        return new FlowControl(condition, items, Boolean.TRUE.equals(sequential), policy);
    }

    private String condition(JsonNode when, String where, Consumer<String> problems) {
        if (when == null || when.isNull()) {
            return null;
        }
        if (!when.isValueNode()) {
            problems.accept("'when' must be a text, e.g. \"{{ input.enabled }}\"");
            return null;
        }
        String text = when.asText();
        try {
            templates.check(text, where + " when");
        } catch (TemplateException e) {
            problems.accept(e.getMessage());
        }
        return text;
    }

    private Object forEach(JsonNode forEach, String where, Consumer<String> problems) {
        if (forEach == null || forEach.isNull()) {
            return null;
        }
        if (forEach.isTextual()) {
            try {
                templates.check(forEach.asText(), where + " for_each");
            } catch (TemplateException e) {
                problems.accept(e.getMessage());
            }
            return forEach.asText();
        }
        if (forEach.isArray()) {
            if (forEach.size() > FlowControl.MAX_FOR_EACH_ITEMS) {
                problems.accept("'for_each' has " + forEach.size() + " items (at most " + FlowControl.MAX_FOR_EACH_ITEMS
                        + ")");
            }
            return JSON.convertValue(forEach, List.class);
        }
        problems.accept("'for_each' must be a list or a template that renders a JSON array");
        return null;
    }

    /** A {@code retry:} block; null when absent. */
    RetryPolicy retry(JsonNode retry, Consumer<String> problems) {
        if (retry == null || retry.isNull()) {
            return null;
        }
        if (!retry.isObject()) {
            problems.accept("'retry' must be a mapping with max_attempts, delay, backoff and jitter");
            return null;
        }
        var local = new int[] {0};
        Consumer<String> counting = m -> {
            local[0]++;
            problems.accept(m);
        };
        retry.fieldNames().forEachRemaining(f -> {
            if (!RETRY_FIELDS.contains(f)) {
                counting.accept("'retry': unknown field '" + f + "' (known: backoff, delay, jitter, max_attempts)");
            }
        });
        int maxAttempts = RetryPolicy.DEFAULT_MAX_ATTEMPTS;
        JsonNode attempts = retry.get("max_attempts");
        if (attempts != null && !attempts.isNull()) {
            if (!attempts.canConvertToInt() || !attempts.isIntegralNumber()) {
                counting.accept("'retry.max_attempts' must be a whole number from 1 to " + RetryPolicy.MAX_ATTEMPTS_LIMIT);
            } else {
                maxAttempts = attempts.intValue();
                if (maxAttempts < 1 || maxAttempts > RetryPolicy.MAX_ATTEMPTS_LIMIT) {
                    counting.accept("'retry.max_attempts' is " + maxAttempts + "; it must be from 1 to "
                            + RetryPolicy.MAX_ATTEMPTS_LIMIT);
                }
            }
        }
        long delay = RetryPolicy.DEFAULT_DELAY_SECONDS;
        JsonNode delayNode = retry.get("delay");
        if (delayNode != null && !delayNode.isNull()) {
            Object raw = delayNode.isIntegralNumber() ? (Object) delayNode.longValue() : delayNode.asText();
            if (raw.equals(0L) || "0".equals(raw) || "0s".equals(raw)) {
                delay = 0;
            } else if (!delayNode.isValueNode()) {
                counting.accept("'retry.delay' must be a duration such as 30s, 5m or 1h");
            } else {
                try {
                    delay = Timeout.parseSeconds(raw, RetryPolicy.MAX_DELAY_SECONDS);
                } catch (IllegalArgumentException e) {
                    counting.accept("'retry.delay': " + e.getMessage().replace("timeout", "delay"));
                }
            }
        }
        String backoff = RetryPolicy.FIXED;
        JsonNode backoffNode = retry.get("backoff");
        if (backoffNode != null && !backoffNode.isNull()) {
            backoff = backoffNode.asText();
            if (!backoffNode.isTextual() || !(backoff.equals(RetryPolicy.FIXED) || backoff.equals(RetryPolicy.EXPONENTIAL))) {
                counting.accept("'retry.backoff' is '" + backoff + "'; it must be 'fixed' or 'exponential'");
            }
        }
        boolean jitter = false;
        JsonNode jitterNode = retry.get("jitter");
        if (jitterNode != null && !jitterNode.isNull()) {
            if (!jitterNode.isBoolean()) {
                counting.accept("'retry.jitter' must be true or false");
            } else {
                jitter = jitterNode.booleanValue();
            }
        }
        return local[0] > 0 ? null : new RetryPolicy(maxAttempts, delay, backoff, jitter);
    }
}
