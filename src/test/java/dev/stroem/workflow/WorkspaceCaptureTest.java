package dev.stroem.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkspaceCaptureTest {
    @TempDir
    Path dir;

    private Path write(String path, String content) throws IOException {
        Path file = dir.resolve(path);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, content);
    }

    private WorkspaceFiles capture() throws IOException {
        return new WorkspaceCapture().capture(dir);
    }

    private static String text(WorkspaceFiles files, String path) {
        return new String(files.file(path).orElseThrow().content(), StandardCharsets.UTF_8);
    }

    @Test
    void revisionDependsOnPathsContentAndExecBitOnly() throws IOException {
        write(".workflows/main.yaml", "tasks: {}\n");
        Path script = write("scripts/run.sh", "echo hi\n");
        WorkspaceFiles first = capture();
        assertThat(first.revision()).matches("[0-9a-f]{16}");
        assertThat(capture().revision()).isEqualTo(first.revision());

        Files.setLastModifiedTime(script, java.nio.file.attribute.FileTime.fromMillis(0));
        assertThat(capture().revision()).as("times are not part of it").isEqualTo(first.revision());

        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        WorkspaceFiles executable = capture();
        assertThat(executable.revision()).isNotEqualTo(first.revision());
        assertThat(executable.file("scripts/run.sh").orElseThrow().executable()).isTrue();

        write("scripts/run.sh", "echo ho\n");
        assertThat(capture().revision()).isNotEqualTo(executable.revision());
    }

    @Test
    void gitFoldersAndSymlinksAreLeftOut() throws IOException {
        write(".workflows/main.yaml", "tasks: {}\n");
        write(".git/config", "[core]\n");
        write("sub/.git/HEAD", "ref\n");
        Path outside = Files.writeString(Files.createTempFile("outside", ".txt"), "secret");
        Files.createSymbolicLink(dir.resolve("link.txt"), outside);
        Files.createSymbolicLink(dir.resolve("linked-dir"), outside.getParent());

        WorkspaceFiles files = capture();
        assertThat(files.files().keySet()).containsExactly(".workflows/main.yaml");
        assertThat(files.symlinks()).containsExactly("link.txt", "linked-dir");
        Files.delete(outside);
    }

    @Test
    void aWorkspaceOverTheLimitIsRefused() throws IOException {
        write("big.bin", "x".repeat(2048));
        assertThatThrownBy(() -> new WorkspaceCapture(1024, p -> {}).capture(dir))
                .isInstanceOf(WorkspaceCapture.CaptureException.class)
                .hasMessageContaining("more than");
    }

    @Test
    void aFileEditedWhileItIsReadRestartsTheCapture() throws IOException {
        write(".workflows/main.yaml", "tasks: {}\n");
        Path data = write("data.txt", "first half");
        var edits = new AtomicInteger();
        var capture = new WorkspaceCapture(WorkspaceFiles.MAX_BYTES, path -> {
            if (path.getFileName().toString().equals("data.txt") && edits.getAndIncrement() == 0) {
                try {
                    Files.writeString(data, "rewritten while it was read, longer now");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        });

        WorkspaceFiles files = capture.capture(dir);

        assertThat(edits.get()).as("read twice: the first capture was dropped").isEqualTo(2);
        assertThat(text(files, "data.txt")).isEqualTo("rewritten while it was read, longer now");
        assertThat(files.revision()).isEqualTo(capture().revision());
    }

    @Test
    void aFileAddedDuringTheCaptureRestartsIt() throws IOException {
        write("a.txt", "a");
        var added = new AtomicInteger();
        var capture = new WorkspaceCapture(WorkspaceFiles.MAX_BYTES, path -> {
            if (added.getAndIncrement() == 0) {
                try {
                    write("z.txt", "late");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        });
        WorkspaceFiles files = capture.capture(dir);
        assertThat(files.files().keySet()).containsExactly("a.txt", "z.txt");
    }

    @Test
    void aFolderThatNeverStandsStillIsAnError() throws IOException {
        Path data = write("data.txt", "0");
        var counter = new AtomicInteger();
        var capture = new WorkspaceCapture(WorkspaceFiles.MAX_BYTES, path -> {
            try {
                Files.writeString(data, "x".repeat(counter.incrementAndGet() + 1));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        assertThatThrownBy(() -> capture.capture(dir)).hasMessageContaining("kept changing");
    }

    @Test
    void theArchiveIsTheSameBytesForTheSameFilesAndReadsBack() throws IOException {
        write(".workflows/main.yaml", "tasks: {}\n");
        Path script = write("scripts/" + "deep/".repeat(30) + "run.sh", "echo hi\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        WorkspaceFiles files = capture();

        byte[] archive = WorkspaceArchive.tarGz(files);
        assertThat(WorkspaceArchive.tarGz(capture())).isEqualTo(archive);
        WorkspaceFiles back = WorkspaceArchive.read(archive);
        assertThat(back.revision()).isEqualTo(files.revision());
        assertThat(back.files().keySet()).isEqualTo(files.files().keySet());
        assertThat(back.file(dir.relativize(script).toString()).orElseThrow().executable()).isTrue();
    }

    @Test
    void systemTarExtractsTheArchiveWithModesAndLongNames(@TempDir Path out) throws Exception {
        Path script = write("scripts/" + "deep/".repeat(30) + "run.sh", "echo hi\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        write("data/marker.txt", "marker\n");
        Path archive = Files.write(out.resolve("ws.tar.gz"), WorkspaceArchive.tarGz(capture()));
        Path target = Files.createDirectories(out.resolve("x"));

        var tar = new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", target.toString())
                .redirectErrorStream(true).start();
        String said = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(tar.waitFor()).as(said).isZero();

        assertThat(Files.readString(target.resolve("data/marker.txt"))).isEqualTo("marker\n");
        assertThat(Files.isExecutable(target.resolve(dir.relativize(script)))).isTrue();
        assertThat(Files.isExecutable(target.resolve("data/marker.txt"))).isFalse();
    }
}
