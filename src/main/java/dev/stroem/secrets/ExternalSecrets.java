package dev.stroem.secrets;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The secret tools the original calls: {@code vals} resolves {@code ref+…} references (AWS SSM,
 * Vault, GCP, SOPS files and the rest vals knows), {@code sops} decrypts {@code *.sops.yaml}
 * workflow files. Each is run when it is on the server's PATH; without it, the caller gets a
 * sentence naming the tool instead of a silent empty value.
 */
public final class ExternalSecrets {
    private static final long TIMEOUT_SECONDS = 60;

    private ExternalSecrets() {}

    /** Thrown when a tool is missing or fails; the message is meant for a workflow author. */
    public static final class ToolException extends RuntimeException {
        public ToolException(String message) {
            super(message);
        }
    }

    /** True for a value vals would resolve. */
    public static boolean isReference(Object value) {
        return value instanceof String s && s.startsWith("ref+");
    }

    /** The value behind a {@code ref+…} reference, from {@code vals get}; a trailing newline is dropped. */
    public static String vals(String reference) {
        String out = run(List.of(tool("vals", "resolve '" + scheme(reference) + "…' references"), "get", reference),
                "vals could not resolve a '" + scheme(reference) + "…' reference");
        return out.endsWith("\n") ? out.substring(0, out.length() - 1) : out;
    }

    /** The decrypted text of a SOPS-encrypted file, from {@code sops -d}. */
    public static String sopsDecrypt(Path file) {
        return run(List.of(tool("sops", "decrypt " + file.getFileName()), "--decrypt", file.toString()),
                "sops could not decrypt " + file.getFileName());
    }

    /**
     * The decrypted text of a SOPS-encrypted workflow file given as its captured bytes: they go
     * through a private temporary copy (same file name, so sops sees the same format), never the
     * folder, so the text is exactly the captured revision's.
     */
    public static String sopsDecrypt(String file, byte[] content) {
        String fileName = file.substring(file.lastIndexOf('/') + 1);
        Path dir = null;
        try {
            dir = Files.createTempDirectory("stroem-sops");
            Path copy = dir.resolve(fileName);
            Files.write(copy, content);
            return run(List.of(tool("sops", "decrypt " + fileName), "--decrypt", copy.toString()),
                    "sops could not decrypt " + fileName);
        } catch (IOException e) {
            throw new ToolException("sops could not decrypt " + fileName + ": " + e.getMessage());
        } finally {
            if (dir != null) {
                try {
                    Files.deleteIfExists(dir.resolve(fileName));
                    Files.deleteIfExists(dir);
                } catch (IOException ignored) {
                    // a leftover temp copy of encrypted text holds nothing readable
                }
            }
        }
    }

    /** The scheme of a reference ({@code ref+vault://}), never its path: the path may say too much. */
    private static String scheme(String reference) {
        int end = reference.indexOf("://");
        return end < 0 ? "ref+" : reference.substring(0, end + 3);
    }

    private static String tool(String name, String purpose) {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(java.io.File.pathSeparator)) {
                Path candidate = Path.of(dir.isEmpty() ? "." : dir).resolve(name);
                if (Files.isExecutable(candidate)) {
                    return candidate.toString();
                }
            }
        }
        throw new ToolException("the '" + name + "' command is needed to " + purpose + ", but it is not on the server's PATH");
    }

    private static String run(List<String> command, String failure) {
        try {
            var process = new ProcessBuilder(command).redirectErrorStream(false).start();
            process.getOutputStream().close();
            var stdout = process.getInputStream().readAllBytes();
            var stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new ToolException(failure + ": it did not answer within " + TIMEOUT_SECONDS + "s");
            }
            if (process.exitValue() != 0) {
                // Its stderr names the problem (no credentials, unknown key); it never holds the secret.
                String first = stderr.lines().findFirst().orElse("exit code " + process.exitValue());
                throw new ToolException(failure + ": " + first);
            }
            return new String(stdout, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ToolException(failure + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ToolException(failure + ": interrupted");
        }
    }
}
