package dev.stroem.auth;

import dev.stroem.config.AclConfig;
import java.util.List;
import java.util.StringJoiner;
import java.util.regex.Pattern;

/**
 * The original's ACL: admins, the open server and static API tokens may do everything; without an
 * {@code acl} section every user may; otherwise the highest action among the rules that match the
 * workspace, the task path ({@code folder/name} or {@code name}) and the user (email or a group)
 * wins, and {@code acl.default} applies when none matches.
 */
public final class AccessPolicy {
    private final List<CompiledRule> rules;
    private final Permission fallback;
    private final boolean enabled;

    private AccessPolicy(List<CompiledRule> rules, Permission fallback, boolean enabled) {
        this.rules = rules;
        this.fallback = fallback;
        this.enabled = enabled;
    }

    /** Everyone may do everything (no {@code acl} section). */
    public static AccessPolicy allowAll() {
        return new AccessPolicy(List.of(), Permission.RUN, false);
    }

    public static AccessPolicy of(AclConfig acl) {
        if (acl == null) {
            return allowAll();
        }
        var compiled = acl.rulesOrEmpty().stream().map(CompiledRule::of).toList();
        return new AccessPolicy(compiled, Permission.fromConfig(acl.defaultActionOrDeny()), true);
    }

    /** True when an {@code acl} section is configured. */
    public boolean enabled() {
        return enabled;
    }

    /** The task path the rules match: {@code folder/name}, or {@code name} without a folder. */
    public static String taskPath(String folder, String taskName) {
        return folder == null || folder.isEmpty() ? taskName : folder + "/" + taskName;
    }

    public Permission permission(Principal who, String workspace, String taskPath) {
        if (!who.isUser() || who.admin() || !enabled) {
            return Permission.RUN;
        }
        Permission best = null;
        for (var rule : rules) {
            if (rule.matches(who, workspace, taskPath) && (best == null || rule.action().compareTo(best) > 0)) {
                best = rule.action();
            }
        }
        return best == null ? fallback : best;
    }

    private record CompiledRule(Pattern workspace, List<Pattern> tasks, Permission action, List<String> groups,
            List<String> users) {

        static CompiledRule of(AclConfig.Rule rule) {
            return new CompiledRule(glob(rule.workspace()), rule.tasksOrEmpty().stream().map(CompiledRule::glob).toList(),
                    Permission.fromConfig(rule.action()), rule.groupsOrEmpty(),
                    rule.usersOrEmpty().stream().map(UserStore::normalizeEmail).toList());
        }

        boolean matches(Principal who, String ws, String taskPath) {
            if (!workspace.matcher(ws).matches() || tasks.stream().noneMatch(t -> t.matcher(taskPath).matches())) {
                return false;
            }
            if (who.email() != null && users.contains(UserStore.normalizeEmail(who.email()))) {
                return true;
            }
            return groups.stream().anyMatch(who.groups()::contains);
        }

        /** {@code *} matches any run of characters (slashes included); everything else is literal. */
        static Pattern glob(String pattern) {
            var regex = new StringJoiner(".*");
            for (String part : pattern.split("\\*", -1)) {
                regex.add(Pattern.quote(part));
            }
            return Pattern.compile(regex.toString(), Pattern.DOTALL);
        }
    }
}
