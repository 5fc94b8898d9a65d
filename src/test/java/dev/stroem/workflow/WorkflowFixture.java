package dev.stroem.workflow;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writes workflow files into a workspace folder for tests. */
final class WorkflowFixture {
    private final Path root;

    WorkflowFixture(Path root) {
        this.root = root;
    }

    Path root() {
        return root;
    }

    WorkflowFixture file(String relative, String yaml) {
        try {
            Path path = root.resolve(".workflows").resolve(relative);
            Files.createDirectories(path.getParent());
            Files.writeString(path, yaml);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    WorkflowFixture delete(String relative) {
        try {
            Files.delete(root.resolve(".workflows").resolve(relative));
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Workspace load() {
        return new WorkspaceLoader().load("ws", root);
    }

    List<String> problems() {
        return load().errors().stream().map(WorkflowError::describe).toList();
    }

    static final String GREET_ACTION = """
            actions:
              greet:
                type: script
                script: echo hello
            """;
}
