package dev.stroem.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContentTypeSnifferTest {
    @TempDir
    Path folder;

    @Test
    void contentTypesComeFromTheExtensionThenTheFirstBytes() throws Exception {
        var sniffer = new ContentTypeSniffer();
        assertThat(sniffer.typeOf(Files.writeString(folder.resolve("a.html"), "<p>"))).isEqualTo("text/html");
        assertThat(sniffer.typeOf(Files.writeString(folder.resolve("a.json"), "{}"))).isEqualTo("application/json");
        assertThat(sniffer.typeOf(Files.write(folder.resolve("picture"),
                new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13}))).isEqualTo("image/png");
        assertThat(sniffer.typeOf(Files.writeString(folder.resolve("build.log"), "ünïcode log line\n",
                StandardCharsets.UTF_8))).isEqualTo("text/plain");
        assertThat(sniffer.typeOf(Files.write(folder.resolve("blob"), new byte[] {1, 0, 2, (byte) 0xff})))
                .isEqualTo("application/octet-stream");
        assertThat(sniffer.typeOf(Files.createFile(folder.resolve("nothing")))).isEqualTo("application/octet-stream");
    }
}
