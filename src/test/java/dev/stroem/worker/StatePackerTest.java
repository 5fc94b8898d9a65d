package dev.stroem.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatePackerTest {
    @TempDir
    Path dir;

    @Test
    void aPackedFolderUnpacksToTheSameFilesWithTheStateFirstAndLinksLeftOut() throws Exception {
        Path out = Files.createDirectories(dir.resolve("state-out"));
        Files.writeString(out.resolve("cert.pem"), "CERT");
        Files.createDirectories(out.resolve("a/b"));
        Files.writeString(out.resolve("a/b/deep.txt"), "deep");
        Files.createDirectories(out.resolve("empty"));
        Files.writeString(out.resolve("state.json"), "{\"from\": \"file\"}");
        Files.createSymbolicLink(out.resolve("passwd"), Path.of("/etc/passwd"));
        var warnings = new ArrayList<String>();

        Path archive = dir.resolve("snapshot.tar.gz");
        StatePacker.pack(out, "{\"from\":\"lines\"}", true, archive, warnings::add);
        Path back = dir.resolve("state");
        WorkspaceUnpacker.unpack(archive, back, "state snapshot");

        assertThat(back.resolve("cert.pem")).hasContent("CERT");
        assertThat(back.resolve("a/b/deep.txt")).hasContent("deep");
        assertThat(back.resolve("empty")).isEmptyDirectory();
        assertThat(back.resolve("state.json")).hasContent("{\"from\":\"lines\"}");
        assertThat(back.resolve("passwd")).doesNotExist();
        assertThat(warnings).anySatisfy(w -> assertThat(w).contains("'passwd' is a symbolic link"))
                .anySatisfy(w -> assertThat(w).contains("STATE: lines"));
    }

    @Test
    void withoutPrintedStateTheFolderOwnStateJsonIsPackedAsItIs() throws Exception {
        Path out = Files.createDirectories(dir.resolve("state-out"));
        Files.writeString(out.resolve("state.json"), "{\"from\": \"file\"}");
        Path archive = dir.resolve("snapshot.tar.gz");
        StatePacker.pack(out, null, false, archive, w -> { });
        WorkspaceUnpacker.unpack(archive, dir.resolve("state"), "state snapshot");
        assertThat(dir.resolve("state/state.json")).hasContent("{\"from\": \"file\"}");
        assertThat(StatePacker.hasContent(out)).isTrue();
        assertThat(StatePacker.hasContent(Files.createDirectories(dir.resolve("nothing")))).isFalse();
    }
}
