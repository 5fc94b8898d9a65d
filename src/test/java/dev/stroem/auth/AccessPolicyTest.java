package dev.stroem.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stroem.config.AclConfig;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The original's ACL evaluation, on the examples of its authorization guide. */
class AccessPolicyTest {
    private static Principal user(String email, String... groups) {
        return new Principal("id-" + email, email, null, false, Set.of(groups), Principal.Kind.ACCESS_TOKEN);
    }

    private static AclConfig.Rule rule(String ws, List<String> tasks, String action, List<String> groups, List<String> users) {
        return new AclConfig.Rule(ws, tasks, action, groups, users);
    }

    private final AccessPolicy environments = AccessPolicy.of(new AclConfig("deny", List.of(
            rule("dev", List.of("*"), "run", List.of("developers"), null),
            rule("staging", List.of("*"), "run", List.of("developers", "qa"), null),
            rule("production", List.of("deploy/*"), "run", List.of("devops"), null),
            rule("production", List.of("*"), "view", List.of("developers", "qa"), null),
            rule("production", List.of("reports/daily-summary"), "run", null, List.of("Contractor@Ext.com")))));

    @Test
    void highestMatchingActionWinsWhateverTheRuleOrder() {
        var dev = user("d@x", "developers");
        assertThat(environments.permission(dev, "dev", "anything/at/all")).isEqualTo(Permission.RUN);
        assertThat(environments.permission(dev, "production", "deploy/api")).isEqualTo(Permission.VIEW);
        var ops = user("o@x", "devops");
        assertThat(environments.permission(ops, "production", "deploy/api")).isEqualTo(Permission.RUN);
        assertThat(environments.permission(ops, "production", "deploy")).as("deploy/* needs the folder")
                .isEqualTo(Permission.DENY);
        assertThat(environments.permission(ops, "dev", "build")).isEqualTo(Permission.DENY);
        var both = user("b@x", "devops", "qa");
        assertThat(environments.permission(both, "production", "deploy/api")).isEqualTo(Permission.RUN);
        assertThat(environments.permission(both, "production", "other")).isEqualTo(Permission.VIEW);
    }

    @Test
    void usersMatchByEmailWhateverItsCase() {
        var contractor = user("contractor@ext.com");
        assertThat(environments.permission(contractor, "production", "reports/daily-summary")).isEqualTo(Permission.RUN);
        assertThat(environments.permission(contractor, "production", "reports/weekly")).isEqualTo(Permission.DENY);
    }

    @Test
    void defaultAppliesWhenNoRuleMatchesAndAdminsAndNonUsersBypass() {
        var viewByDefault = AccessPolicy.of(new AclConfig("view", List.of()));
        assertThat(viewByDefault.permission(user("x@y"), "ws", "t")).isEqualTo(Permission.VIEW);
        assertThat(AccessPolicy.of(new AclConfig(null, List.of())).permission(user("x@y"), "ws", "t"))
                .isEqualTo(Permission.DENY);
        var admin = new Principal("a", "a@x", null, true, Set.of(), Principal.Kind.ACCESS_TOKEN);
        assertThat(environments.permission(admin, "production", "deploy/api")).isEqualTo(Permission.RUN);
        assertThat(environments.permission(Principal.STATIC_TOKEN, "production", "x")).isEqualTo(Permission.RUN);
        assertThat(environments.permission(Principal.OPEN, "production", "x")).isEqualTo(Permission.RUN);
        assertThat(AccessPolicy.allowAll().permission(user("x@y"), "production", "x")).isEqualTo(Permission.RUN);
    }

    @Test
    void wildcardsInWorkspacesAndTaskPathsAreTheOnlySpecialCharacters() {
        var policy = AccessPolicy.of(new AclConfig("deny", List.of(
                rule("prod-*", List.of("a.b", "x*z"), "run", List.of("g"), null))));
        var g = user("g@x", "g");
        assertThat(policy.permission(g, "prod-eu", "a.b")).isEqualTo(Permission.RUN);
        assertThat(policy.permission(g, "prod-eu", "aXb")).as("a dot is literal").isEqualTo(Permission.DENY);
        assertThat(policy.permission(g, "prod-eu", "x/y/z")).isEqualTo(Permission.RUN);
        assertThat(policy.permission(g, "production", "a.b")).isEqualTo(Permission.DENY);
        assertThat(AccessPolicy.taskPath("deploy", "api")).isEqualTo("deploy/api");
        assertThat(AccessPolicy.taskPath(null, "api")).isEqualTo("api");
    }
}
