package dev.stroem.worker;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The command line that runs a script action, as the original's guides/action-types.md describes
 * it: the {@code language} picks an interpreter from the worker's PATH (or the action's
 * {@code interpreter} names it), inline code runs as is ({@code shell}) or from a file written
 * next to the checkout, and a {@code source} file runs from inside the checkout, never outside it.
 */
final class ScriptCommand {

    /** A language, its file extension, and the programs that run it, in order of preference. */
    private record Language(String name, String extension, List<String> programs) {}

    private static final Language SHELL = new Language("shell", "sh", List.of("bash", "sh"));
    private static final Map<String, Language> LANGUAGES = Map.of(
            "shell", SHELL,
            "python", new Language("python", "py", List.of("uv", "python3", "python")),
            // .mjs: Node runs it as a module, so top-level await works as it does under Bun.
            "javascript", new Language("javascript", "mjs", List.of("bun", "node")),
            "typescript", new Language("typescript", "ts", List.of("bun", "deno")),
            "go", new Language("go", "go", List.of("go")));
    private static final Map<String, String> ALIASES = Map.of("js", "javascript", "ts", "typescript",
            "bash", "shell", "sh", "shell");

    private final String searchPath;

    /** @param searchPath where interpreters are looked for, as in {@code $PATH} */
    ScriptCommand(String searchPath) {
        this.searchPath = searchPath == null ? "" : searchPath;
    }

    /** Finds interpreters on the worker's own PATH. */
    static ScriptCommand onWorkerPath() {
        return new ScriptCommand(System.getenv("PATH"));
    }

    private Optional<String> findProgram(String program) {
        return find(program, searchPath);
    }

    /**
     * The argv that runs {@code spec} in {@code dir} (inline non-shell code is written to a file in
     * the step's directory first).
     *
     * @throws IOException with a sentence naming the problem: an unknown language, an interpreter
     *     this worker does not have, a source file that is missing or not inside the checkout
     */
    List<String> build(ActionSpec spec, StepDirectory dir) throws IOException {
        Language language = language(spec.language());
        boolean inline = spec.script() != null && !spec.script().isBlank();
        if (!inline && (spec.source() == null || spec.source().isBlank())) {
            throw new IOException("the step has no script to run (neither script nor source)");
        }
        String program = interpreter(spec, language);
        var argv = new ArrayList<String>();
        if (inline && language == SHELL) {
            argv.addAll(List.of(program, "-c", spec.script(), Path.of(program).getFileName().toString()));
        } else {
            Path file = inline ? writeInline(spec.script(), language, dir) : sourceFile(spec.source(), dir.workspace());
            argv.addAll(runFile(program, file));
        }
        argv.addAll(spec.args());
        return argv;
    }

    private static Language language(String value) throws IOException {
        if (value == null || value.isBlank()) {
            return SHELL;
        }
        String key = value.strip().toLowerCase(Locale.ROOT);
        Language language = LANGUAGES.get(ALIASES.getOrDefault(key, key));
        if (language == null) {
            throw new IOException("unknown language '" + value + "' (known: shell, python, "
                    + "javascript/js, typescript/ts, go)");
        }
        return language;
    }

    private String interpreter(ActionSpec spec, Language language) throws IOException {
        String wanted = spec.interpreter();
        if (wanted != null && !wanted.isBlank()) {
            wanted = wanted.strip();
            if (wanted.contains("/")) {
                Path path = Path.of(wanted);
                if (Files.isRegularFile(path) && Files.isExecutable(path)) {
                    return path.toString();
                }
                throw new IOException("the interpreter '" + wanted + "' is not available on this worker "
                        + "(no executable file there)");
            }
            return findProgram(wanted).orElseThrow(() -> new IOException("the interpreter '"
                    + spec.interpreter().strip() + "' is not available on this worker (not found on its PATH)"));
        }
        for (String program : language.programs()) {
            Optional<String> found = findProgram(program);
            if (found.isPresent()) {
                return found.get();
            }
        }
        throw new IOException(language.name() + " is not available on this worker: none of "
                + String.join(", ", language.programs()) + " is on its PATH");
    }

    /** How each kind of interpreter runs a file; any other program is given the file as its argument. */
    private static List<String> runFile(String program, Path file) {
        String name = Path.of(program).getFileName().toString();
        String path = file.toString();
        if (name.equals("uv")) {
            return List.of(program, "run", "--no-project", path);
        }
        if (name.equals("bun")) {
            return List.of(program, "run", path);
        }
        if (name.equals("deno")) {
            return List.of(program, "run", "--allow-all", path);
        }
        if (name.equals("go")) {
            return List.of(program, "run", path);
        }
        return List.of(program, path);
    }

    private static Path writeInline(String script, Language language, StepDirectory dir) throws IOException {
        // Next to the checkout, not in it: the workspace stays as the server sent it.
        Path file = dir.root().resolve("script." + language.extension());
        Files.writeString(file, script, StandardCharsets.UTF_8);
        return file;
    }

    /**
     * The {@code source} file inside the checkout. Absolute paths, {@code ..} and symlinks that
     * lead out of it are refused: a workflow names files of its own workspace, nothing else on
     * the worker.
     */
    static Path sourceFile(String source, Path checkout) throws IOException {
        Path relative;
        try {
            relative = Path.of(source.strip());
        } catch (RuntimeException e) {
            throw new IOException("source '" + source + "' is not a valid path");
        }
        if (relative.isAbsolute()) {
            throw new IOException("source '" + source + "' must be a path inside the workspace, not an absolute path");
        }
        Path normal = relative.normalize();
        if (normal.toString().isEmpty() || normal.startsWith("..")) {
            throw new IOException("source '" + source + "' leads outside the workspace");
        }
        Path root = checkout.toRealPath();
        Path file = root.resolve(normal);
        if (!Files.exists(file)) {
            throw new IOException("source file '" + source + "' is not in the workspace");
        }
        Path real = file.toRealPath();
        if (!real.startsWith(root)) {
            throw new IOException("source '" + source + "' leads outside the workspace (through a symbolic link)");
        }
        if (!Files.isRegularFile(real)) {
            throw new IOException("source '" + source + "' is not a file");
        }
        return real;
    }

    static Optional<String> onPath(String program) {
        return find(program, System.getenv("PATH"));
    }

    private static Optional<String> find(String program, String path) {
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate.toString());
            }
        }
        return Optional.empty();
    }
}
