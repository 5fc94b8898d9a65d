package dev.stroem.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The folders one step runs with, all under one fresh directory below the worker's work dir
 * (never a bare temp dir, never {@code /}), deleted when the step ends. The original sets a
 * variable for each ({@code $WORKSPACE_DIR}, {@code $ARTIFACTS_DIR}, {@code $STATE_DIR}, …): a
 * script that writes to {@code "$ARTIFACTS_DIR/report.html"} must never write to {@code /report.html}.
 *
 * @param root the step's own directory; everything else is inside it
 * @param workspace the workspace checkout, also the step's working directory
 */
public record StepDirectory(Path root, Path workspace, Path artifacts, Path state, Path stateOut, Path globalState,
        Path globalStateOut) {

    /** Where each step's directory is made, below the work dir (so a crash's leftovers can be found). */
    static Path stepsDir(Path workDir) {
        return workDir.resolve("steps");
    }

    /** A fresh step directory below {@code workDir}, with every sub-folder made (and empty). */
    static StepDirectory create(Path workDir) throws IOException {
        Path steps = Files.createDirectories(stepsDir(workDir));
        Path root = Files.createTempDirectory(steps, "step-").toRealPath();
        var dir = new StepDirectory(root, root.resolve("workspace"), root.resolve("artifacts"), root.resolve("state"),
                root.resolve("state-out"), root.resolve("global-state"), root.resolve("global-state-out"));
        for (Path p : new Path[] {dir.workspace, dir.artifacts, dir.state, dir.stateOut, dir.globalState,
                dir.globalStateOut}) {
            Files.createDirectory(p);
        }
        return dir;
    }

    /**
     * Copies a workspace revision into the checkout. Each step gets its own copy, so what a
     * script changes there never reaches the cache or another step. Symbolic links are copied as
     * links (the unpacking refused any that lead out of the workspace).
     */
    void fillWorkspace(Path revision) throws IOException {
        try (Stream<Path> paths = Files.walk(revision)) {
            for (Path from : (Iterable<Path>) paths::iterator) {
                Path to = workspace.resolve(revision.relativize(from).toString());
                if (from.equals(revision)) {
                    continue;
                }
                if (Files.isDirectory(from, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(from, to, LinkOption.NOFOLLOW_LINKS, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    /** The folders a step gets empty, kept between steps by {@link StepDirectories} (all but the checkout). */
    java.util.List<Path> reusedFolders() {
        return java.util.List.of(artifacts, state, stateOut, globalState, globalStateOut);
    }

    /** The variables naming these folders, as the original sets them for a step. */
    Map<String, String> environment() {
        var env = new LinkedHashMap<String, String>();
        env.put("WORKSPACE_DIR", workspace.toString());
        env.put("ARTIFACTS_DIR", artifacts.toString());
        env.put("STATE_DIR", state.toString());
        env.put("STATE_OUT_DIR", stateOut.toString());
        env.put("GLOBAL_STATE_DIR", globalState.toString());
        env.put("GLOBAL_STATE_OUT_DIR", globalStateOut.toString());
        return env;
    }
}
