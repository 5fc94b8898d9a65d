package dev.stroem.workflow;

import static dev.stroem.workflow.WorkflowFixture.GREET_ACTION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.stroem.config.WorkspaceConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkspaceCatalogTest {

    @TempDir
    Path dir;

    private static String task(String name) {
        return "tasks:\n  " + name + ":\n    flow: { s: { action: greet } }\n";
    }

    private WorkspaceCatalog catalogOf(WorkflowFixture... workspaces) {
        var configs = new LinkedHashMap<String, WorkspaceConfig>();
        for (WorkflowFixture ws : workspaces) {
            configs.put(ws.root().getFileName().toString(), new WorkspaceConfig("folder", dir.relativize(ws.root()).toString()));
        }
        return new WorkspaceCatalog(configs, dir);
    }

    @Test
    void loadsEveryConfiguredWorkspaceResolvingRelativePaths() {
        var one = new WorkflowFixture(dir.resolve("one")).file("a.yaml", GREET_ACTION + task("t1"));
        var two = new WorkflowFixture(dir.resolve("two")).file("a.yaml", GREET_ACTION + task("t2"));

        CatalogSnapshot snapshot = catalogOf(one, two).snapshot();

        assertThat(snapshot.workspaces().keySet()).containsExactly("one", "two");
        assertThat(snapshot.task("one", "t1")).isPresent();
        assertThat(snapshot.task("two", "t2")).isPresent();
        assertThat(snapshot.task("one", "t2")).isEmpty();
        assertThat(snapshot.workspace("one").orElseThrow().root()).isEqualTo(dir.resolve("one").toAbsolutePath());
        assertThat(snapshot.valid()).isTrue();
    }

    @Test
    void reloadSwapsInANewSnapshotAndLeavesTheOldOneAsItWas() {
        var ws = new WorkflowFixture(dir.resolve("ws")).file("a.yaml", GREET_ACTION + task("before"));
        WorkspaceCatalog catalog = catalogOf(ws);
        CatalogSnapshot old = catalog.snapshot();

        ws.file("a.yaml", GREET_ACTION + task("after"));
        CatalogSnapshot fresh = catalog.reload();

        assertThat(catalog.snapshot()).isSameAs(fresh);
        assertThat(fresh.workspace("ws").orElseThrow().tasks().keySet()).containsExactly("after");
        assertThat(old.workspace("ws").orElseThrow().tasks().keySet()).containsExactly("before");
        assertThatThrownBy(() -> old.workspace("ws").orElseThrow().tasks().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void aFileBrokenBeforeAReloadLeavesTheOtherFilesLoaded() {
        var ws = new WorkflowFixture(dir.resolve("ws"))
                .file("actions.yaml", GREET_ACTION)
                .file("a.yaml", task("a"))
                .file("b.yaml", task("b"));
        WorkspaceCatalog catalog = catalogOf(ws);

        ws.file("b.yaml", "tasks:\n  b:\n    flow: { s: { action: greet }\n");
        Workspace reloaded = catalog.reload().workspace("ws").orElseThrow();

        assertThat(reloaded.tasks().keySet()).containsExactly("a");
        assertThat(reloaded.errors()).extracting(WorkflowError::file).containsExactly(".workflows/b.yaml");
        assertThat(catalog.snapshot().views().get(0).errors()).hasSize(1);
    }

    @Test
    void reloadIfChangedReloadsOnlyWhenAFileChanged() {
        var ws = new WorkflowFixture(dir.resolve("ws")).file("a.yaml", GREET_ACTION + task("t"));
        WorkspaceCatalog catalog = catalogOf(ws);
        CatalogSnapshot first = catalog.snapshot();

        assertThat(catalog.reloadIfChanged()).isFalse();
        assertThat(catalog.snapshot()).isSameAs(first);

        ws.file("b.yaml", task("u"));
        assertThat(catalog.reloadIfChanged()).isTrue();
        assertThat(catalog.snapshot().workspace("ws").orElseThrow().tasks().keySet()).containsExactly("t", "u");

        ws.delete("b.yaml");
        assertThat(catalog.reloadIfChanged()).isTrue();
        assertThat(catalog.snapshot().workspace("ws").orElseThrow().tasks().keySet()).containsExactly("t");
    }

    @Test
    void thePollerPicksUpChangedFiles() {
        var ws = new WorkflowFixture(dir.resolve("ws")).file("a.yaml", GREET_ACTION + task("t"));
        WorkspaceCatalog catalog = catalogOf(ws);

        var poller = new WorkspacePoller(catalog, Duration.ofMillis(50));
        try {
            ws.file("b.yaml", task("added"));

            await().atMost(Duration.ofSeconds(10))
                    .until(() -> catalog.snapshot().task("ws", "added").isPresent());
        } finally {
            poller.close();
        }
    }

    @Test
    void unsupportedOrIncompleteWorkspaceConfigsShowUpAsErrors() {
        var configs = new LinkedHashMap<String, WorkspaceConfig>();
        configs.put("git", new WorkspaceConfig("git", "https://example.invalid/repo.git"));
        configs.put("nopath", new WorkspaceConfig("folder", null));
        configs.put("../escape", new WorkspaceConfig("folder", "."));
        configs.put("missing", new WorkspaceConfig(null, "does-not-exist"));

        CatalogSnapshot snapshot = new WorkspaceCatalog(configs, dir).snapshot();

        assertThat(snapshot.workspaces()).hasSize(4);
        assertThat(snapshot.workspace("git").orElseThrow().errors()).extracting(WorkflowError::message)
                .containsExactly("workspace type 'git' is not supported by Strøm for the JVM (only 'folder')");
        assertThat(snapshot.workspace("nopath").orElseThrow().errors()).extracting(WorkflowError::message)
                .containsExactly("workspace has no 'path'");
        assertThat(snapshot.workspace("../escape").orElseThrow().errors()).extracting(WorkflowError::message)
                .containsExactly("workspace name '../escape' contains '/', which is not allowed in names");
        assertThat(snapshot.workspace("missing").orElseThrow().errors()).extracting(WorkflowError::message).singleElement()
                .asString().contains("does-not-exist does not exist");
        assertThat(snapshot.valid()).isFalse();
    }

    @Test
    void noWorkspacesIsAnEmptyCatalog() {
        assertThat(new WorkspaceCatalog(Map.of(), dir).snapshot().workspaces()).isEmpty();
    }
}
