package dev.stroem.workflow;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A workspace folder's files at one revision, held in memory: what workers download and what the
 * workflow definitions of that revision were read from. {@code .git} and symlinks are never part of it.
 *
 * @param files by path relative to the workspace root ({@code /}-separated), sorted
 * @param symlinks paths of the symlinks that were left out (so that a {@code source:} naming one is
 *     refused with a clear reason rather than "not found")
 * @param revision 16 hex characters of SHA-256 over every file's path, exec bit, size and content
 */
public record WorkspaceFiles(Map<String, WorkspaceFile> files, List<String> symlinks, String revision) {

    /** Largest workspace (sum of file sizes) that is captured and delivered. */
    public static final long MAX_BYTES = 64L * 1024 * 1024;

    /** One file: its bytes and whether it is executable (mode 755 rather than 644 in the archive). */
    public record WorkspaceFile(byte[] content, boolean executable) {}

    public WorkspaceFiles {
        files = Collections.unmodifiableMap(new TreeMap<>(files));
        symlinks = List.copyOf(symlinks);
    }

    /** Files with their revision computed. */
    public static WorkspaceFiles of(Map<String, WorkspaceFile> files, List<String> symlinks) {
        var sorted = new TreeMap<>(files);
        return new WorkspaceFiles(sorted, symlinks, revisionOf(sorted));
    }

    public Optional<WorkspaceFile> file(String path) {
        return Optional.ofNullable(files.get(path));
    }

    public long totalBytes() {
        return files.values().stream().mapToLong(f -> f.content().length).sum();
    }

    static String revisionOf(TreeMap<String, WorkspaceFile> files) {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
        for (var entry : files.entrySet()) {
            WorkspaceFile file = entry.getValue();
            // Each field ends with NUL, so no two different file lists hash the same bytes.
            digest.update(entry.getKey().getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update((byte) (file.executable() ? '1' : '0'));
            digest.update((byte) 0);
            digest.update(Long.toString(file.content().length).getBytes(StandardCharsets.US_ASCII));
            digest.update((byte) 0);
            digest.update(file.content());
        }
        return HexFormat.of().formatHex(digest.digest()).substring(0, 16);
    }
}
