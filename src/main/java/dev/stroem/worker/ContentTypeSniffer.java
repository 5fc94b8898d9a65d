package dev.stroem.worker;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLConnection;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@code Content-Type} an artifact is uploaded with (the server stores it and decides from it
 * whether a browser may show the file inline): by the file's extension (the JDK's table), else by
 * its first bytes (PNG, GIF, JPEG, XML… as the JDK knows them), else {@code text/plain} for a
 * start that is UTF-8 text without NUL bytes (logs, YAML), else {@code application/octet-stream}.
 * Only the first {@value #SNIFF_BYTES} bytes are ever read.
 */
final class ContentTypeSniffer {

    static final String BINARY = "application/octet-stream";
    private static final int SNIFF_BYTES = 8192;

    String typeOf(Path file) {
        try {
            String byName = Files.probeContentType(file);
            if (byName != null && !byName.isBlank()) {
                return byName;
            }
            byte[] start;
            try (InputStream in = Files.newInputStream(file)) {
                start = in.readNBytes(SNIFF_BYTES);
            }
            if (start.length == 0) {
                return BINARY;
            }
            String byContent = URLConnection.guessContentTypeFromStream(
                    new BufferedInputStream(new java.io.ByteArrayInputStream(start)));
            if (byContent != null) {
                return byContent;
            }
            return looksLikeText(start) ? "text/plain" : BINARY;
        } catch (IOException e) {
            // The upload that follows reads the file too and reports what is wrong with it.
            return BINARY;
        }
    }

    /** UTF-8 without NUL bytes; a character cut at the end of the sample is fine. */
    static boolean looksLikeText(byte[] start) {
        for (byte b : start) {
            if (b == 0) {
                return false;
            }
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        var result = decoder.decode(ByteBuffer.wrap(start), CharBuffer.allocate(start.length), false);
        return !result.isError();
    }
}
