package dev.stroem.workflow;

import java.util.Map;

/**
 * A {@code type: scheduler} trigger: runs {@code task} at the times of its cron {@code schedule}.
 *
 * @param concurrency what a fire does while jobs of an earlier fire are still active
 */
public record ScheduleTrigger(
        String name,
        String task,
        Map<String, Object> input,
        boolean enabled,
        CronSchedule schedule,
        Concurrency concurrency,
        String file) implements Trigger {

    public static final String TYPE = "scheduler";

    public ScheduleTrigger {
        input = OrderedCopies.map(input);
    }

    @Override
    public String type() {
        return TYPE;
    }

    /** The documented policies; {@code allow} when not given. */
    public enum Concurrency {
        ALLOW("allow"), SKIP("skip"), CANCEL_PREVIOUS("cancel_previous");

        private final String wireName;

        Concurrency(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        static Concurrency parse(String value) {
            if (value == null) {
                return ALLOW;
            }
            for (var c : values()) {
                if (c.wireName.equals(value)) {
                    return c;
                }
            }
            throw new IllegalArgumentException("'concurrency' '" + value + "' is not one of allow, skip, cancel_previous");
        }
    }
}
