package dev.stroem.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkspaceUnpackerTest {

    @TempDir
    Path dir;

    private Path unpack(TarGz archive) throws IOException {
        Path file = dir.resolve("ws.tar.gz");
        Files.write(file, archive.bytes());
        Path into = dir.resolve("into");
        WorkspaceUnpacker.unpack(file, into);
        return into;
    }

    private void assertRefused(TarGz archive, String message) {
        assertThatThrownBy(() -> unpack(archive)).isInstanceOf(IOException.class).hasMessage(message);
        assertThat(dir.getParent().resolve("evil")).doesNotExist();
        assertThat(dir.resolve("evil")).doesNotExist();
    }

    @Test
    void filesFoldersExecutableBitsAndLinksInsideAreUnpacked() throws IOException {
        Path into = unpack(TarGz.files(Map.of("workflows/a.yaml", "a: 1", "data/marker.txt", "m"))
                .executable("actions/deploy.sh", "echo hi")
                .directory("empty")
                .symlink("data/latest.txt", "marker.txt")
                .symlink("all-data", "data"));

        assertThat(into.resolve("workflows/a.yaml")).hasContent("a: 1");
        assertThat(into.resolve("data/marker.txt")).hasContent("m");
        assertThat(Files.isExecutable(into.resolve("actions/deploy.sh"))).isTrue();
        assertThat(Files.isExecutable(into.resolve("data/marker.txt"))).isFalse();
        assertThat(into.resolve("empty")).isEmptyDirectory();
        assertThat(into.resolve("data/latest.txt")).hasContent("m");
        assertThat(into.resolve("all-data/marker.txt")).hasContent("m");
    }

    @Test
    void namesThatLeaveTheWorkspaceAreRefused() {
        assertRefused(new TarGz().file("../evil", "x"), "workspace archive entry '../evil' leaves the workspace");
        assertRefused(new TarGz().file("a/../../evil", "x"), "workspace archive entry 'a/../../evil' leaves the workspace");
        assertRefused(new TarGz().file("/tmp/evil", "x"), "workspace archive entry '/tmp/evil' has an absolute name");
    }

    @Test
    void linksThatLeaveTheWorkspaceAreRefused() {
        assertRefused(new TarGz().symlink("out", "/etc"), "workspace archive entry 'out' links to '/etc', outside the workspace");
        assertRefused(new TarGz().symlink("out", "../.."), "workspace archive entry 'out' links to '../..', outside the workspace");
        // A link through another link: each looks harmless on its own.
        assertRefused(new TarGz().directory("a/b").symlink("a/b/up", "..").symlink("a/b/t", "up/../.."),
                "workspace archive entry 'a/b/t' links outside the workspace");
        assertRefused(new TarGz().symlink("dangling", "nothing-here"),
                "workspace archive entry 'dangling' is a link to nothing in the workspace");
    }

    @Test
    void aFileWrittenThroughALinkIsRefused() throws IOException {
        Files.createDirectories(dir.resolve("outside"));
        // The link itself points inside, at first sight; then an entry replaces what is behind it.
        assertRefused(new TarGz().symlink("sub", "../outside").file("sub/evil", "x"),
                "workspace archive entry 'sub' links to '../outside', outside the workspace");
        assertThat(dir.resolve("outside")).isEmptyDirectory();
    }
}
