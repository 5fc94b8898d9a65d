package dev.stroem.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * {@code acl:} who may see and run which tasks (the original's authorization). {@code default}
 * applies when no rule matches ({@code deny} when absent); among matching rules the highest
 * action wins ({@code run} &gt; {@code view} &gt; {@code deny}). Admins bypass it.
 */
public record AclConfig(@JsonProperty("default") String defaultAction, @JsonProperty("rules") List<Rule> rules) {

    public static final String DENY = "deny";
    public static final String VIEW = "view";
    public static final String RUN = "run";

    public String defaultActionOrDeny() {
        return defaultAction == null ? DENY : defaultAction;
    }

    public List<Rule> rulesOrEmpty() {
        return rules == null ? List.of() : rules;
    }

    /** One rule: a workspace pattern, task path patterns, an action, and the groups or users it is for. */
    public record Rule(
            @JsonProperty("workspace") String workspace,
            @JsonProperty("tasks") List<String> tasks,
            @JsonProperty("action") String action,
            @JsonProperty("groups") List<String> groups,
            @JsonProperty("users") List<String> users) {

        public List<String> tasksOrEmpty() {
            return tasks == null ? List.of() : tasks;
        }

        public List<String> groupsOrEmpty() {
            return groups == null ? List.of() : groups;
        }

        public List<String> usersOrEmpty() {
            return users == null ? List.of() : users;
        }
    }
}
