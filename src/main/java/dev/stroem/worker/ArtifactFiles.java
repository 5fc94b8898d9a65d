package dev.stroem.worker;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.FileVisitor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;

/**
 * What a step left in its artifacts folder: the regular files to upload, each named by its path
 * below the folder with {@code /} between segments ({@code reports/q1.html}), and a sentence for
 * everything that is skipped. Symbolic links are never followed (a link to {@code /etc/passwd} or
 * to a folder elsewhere would upload what the step did not produce); names the original refuses
 * (with {@code ..}, NUL or another control character) and names our server refuses (a
 * backslash, more than 1,024 characters) are skipped, so one odd file does not fail the step.
 *
 * @param files to upload, by name
 * @param skipped one sentence per skipped entry, for the step's log
 */
record ArtifactFiles(List<ArtifactFile> files, List<String> skipped) {

    /** One regular file to upload. */
    record ArtifactFile(String name, Path path, long size) {}

    /** The server's longest artifact name. */
    static final int MAX_NAME_LENGTH = 1024;

    /** Lists {@code folder} recursively without following links; an unreadable entry is skipped. */
    static ArtifactFiles scan(Path folder) throws IOException {
        var files = new ArrayList<ArtifactFile>();
        var skipped = new ArrayList<String>();
        if (!Files.isDirectory(folder)) {
            return new ArtifactFiles(List.of(), List.of());
        }
        Files.walkFileTree(folder, EnumSet.noneOf(java.nio.file.FileVisitOption.class), Integer.MAX_VALUE,
                new FileVisitor<>() {
                    @Override
                    public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                        String name = nameOf(folder, file);
                        if (attrs.isSymbolicLink()) {
                            skipped.add("artifact \"" + printable(name) + "\" is a symbolic link: skipped (links are never followed)");
                        } else if (!attrs.isRegularFile()) {
                            skipped.add("artifact \"" + printable(name) + "\" is not a regular file: skipped");
                        } else {
                            Optional<String> problem = nameProblem(name);
                            if (problem.isPresent()) {
                                skipped.add("artifact \"" + printable(name) + "\" skipped: its name " + problem.get());
                            } else {
                                files.add(new ArtifactFile(name, file, attrs.size()));
                            }
                        }
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException e) {
                        skipped.add("artifact \"" + printable(nameOf(folder, file)) + "\" cannot be read: skipped ("
                                + e.getMessage() + ")");
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult postVisitDirectory(Path dir, IOException e) {
                        if (e != null) {
                            skipped.add("the artifacts folder \"" + printable(nameOf(folder, dir)) + "\" cannot be read "
                                    + "to its end: " + e.getMessage());
                        }
                        return FileVisitResult.CONTINUE;
                    }
                });
        files.sort(Comparator.comparing(ArtifactFile::name));
        return new ArtifactFiles(List.copyOf(files), List.copyOf(skipped));
    }

    /** Why the original or our server would refuse {@code name}, or empty when it is fine. */
    static Optional<String> nameProblem(String name) {
        if (name.contains("..")) {
            return Optional.of("contains \"..\"");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == 0) {
                return Optional.of("contains a NUL character");
            }
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
                return Optional.of("contains a control character");
            }
            if (c == '\\') {
                return Optional.of("contains a backslash");
            }
        }
        if (name.length() > MAX_NAME_LENGTH) {
            return Optional.of("is longer than " + MAX_NAME_LENGTH + " characters");
        }
        return Optional.empty();
    }

    private static String nameOf(Path folder, Path file) {
        var segments = new ArrayList<String>();
        for (Path segment : folder.relativize(file)) {
            segments.add(segment.toString());
        }
        return String.join("/", segments);
    }

    /** The name as it can be printed on one log line: control characters as {@code \\xNN}. */
    static String printable(String name) {
        var out = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
                out.append(String.format("\\x%02x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
