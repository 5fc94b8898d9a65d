package dev.stroem.workflow;

import java.util.Map;

/**
 * A workspace's {@code triggers:} entry: something that creates jobs of a task by itself. Both kinds
 * name the task and carry default input and an {@code enabled} flag; a disabled trigger is loaded
 * (and listed) but never fires.
 */
public sealed interface Trigger permits ScheduleTrigger, WebhookTrigger {

    /** The key under {@code triggers:}. */
    String name();

    String task();

    Map<String, Object> input();

    boolean enabled();

    /** {@code scheduler} or {@code webhook}, as written in YAML. */
    String type();

    /** The workflow file it came from, relative to the workspace root. */
    String file();
}
