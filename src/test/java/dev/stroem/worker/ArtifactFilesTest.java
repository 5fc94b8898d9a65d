package dev.stroem.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArtifactFilesTest {
    @TempDir
    Path folder;
    @TempDir
    Path elsewhere;

    @Test
    void regularFilesAreListedByTheirPathWithSlashesAndEverythingElseIsSkippedWithAReason() throws Exception {
        Files.createDirectories(folder.resolve("reports/2026"));
        Files.writeString(folder.resolve("reports/2026/q1.html"), "<h1/>");
        Files.writeString(folder.resolve(".config"), "k=v");
        Files.createFile(folder.resolve("empty.txt"));
        Files.writeString(elsewhere.resolve("secret"), "not the step's");
        Files.createSymbolicLink(folder.resolve("secret-link"), elsewhere.resolve("secret"));
        Files.createSymbolicLink(folder.resolve("dir-link"), elsewhere);
        Files.createFile(folder.resolve("line\nbreak.txt"));
        Files.createFile(folder.resolve("v1..2.txt"));
        Files.createFile(folder.resolve("back\\slash"));
        new ProcessBuilder("mkfifo", folder.resolve("pipe").toString()).start().waitFor();

        ArtifactFiles found = ArtifactFiles.scan(folder);

        assertThat(found.files()).extracting(ArtifactFiles.ArtifactFile::name)
                .containsExactly(".config", "empty.txt", "reports/2026/q1.html");
        assertThat(found.files()).extracting(ArtifactFiles.ArtifactFile::size).containsExactly(3L, 0L, 5L);
        assertThat(found.skipped()).containsExactlyInAnyOrder(
                "artifact \"secret-link\" is a symbolic link: skipped (links are never followed)",
                "artifact \"dir-link\" is a symbolic link: skipped (links are never followed)",
                "artifact \"line\\x0abreak.txt\" skipped: its name contains a control character",
                "artifact \"v1..2.txt\" skipped: its name contains \"..\"",
                "artifact \"back\\slash\" skipped: its name contains a backslash",
                "artifact \"pipe\" is not a regular file: skipped");
    }

    @Test
    void aMissingFolderHasNoFiles() throws Exception {
        assertThat(ArtifactFiles.scan(folder.resolve("gone")).files()).isEmpty();
    }

    @Test
    void namesTheServerWouldRefuseAreCaughtBeforeUploading() {
        assertThat(ArtifactFiles.nameProblem("reports/q1.html")).isEmpty();
        assertThat(ArtifactFiles.nameProblem("a\u0000b")).hasValue("contains a NUL character");
        assertThat(ArtifactFiles.nameProblem("a\u0085b")).hasValue("contains a control character");
        assertThat(ArtifactFiles.nameProblem("x".repeat(1025))).hasValue("is longer than 1024 characters");
        assertThat(ArtifactFiles.nameProblem("résumé ✓.pdf")).isEmpty();
    }
}
