package dev.stroem.state;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * The structured state a worker sends inside its snapshot because it is too big for a request
 * header: the tarball's first entry, a root {@code state.json}. {@link #read} decompresses only
 * the start of the upload to get it, and hands back the upload whole, byte for byte, to be stored
 * as sent: every byte the decompressor pulled is kept and replayed before the rest.
 */
final class LeadingStateFile {

    /** The state's JSON text and the whole upload, to be read from its first byte. */
    record Split(String stateJson, InputStream snapshot) {}

    private LeadingStateFile() {}

    /**
     * @param maxJsonBytes the largest {@code state.json} taken; a bigger one is {@code TOO_LARGE}
     * @throws StateException BAD_REQUEST when the upload does not start with a root {@code state.json}
     */
    static Split read(InputStream tarGz, int maxJsonBytes) {
        // The decompressor reads ahead in blocks: room for the compressed JSON plus its buffers.
        var recorded = new Recording(tarGz, maxJsonBytes + (1 << 20));
        String json;
        try {
            // Not closed: that would close the upload, whose rest is still to be stored.
            var tar = new TarArchiveInputStream(new GzipCompressorInputStream(recorded), StandardCharsets.UTF_8.name());
            TarArchiveEntry first = tar.getNextEntry();
            String name = first == null ? null : first.getName();
            while (name != null && name.startsWith("./")) {
                name = name.substring(2);
            }
            if (first == null || !first.isFile() || !TaskStates.STATE_FILE.equals(name)) {
                throw new StateException(StateException.Kind.BAD_REQUEST, "X-Stroem-State-In-Archive: the snapshot's first "
                        + "entry must be the root state.json, found " + (first == null ? "no entry" : "\"" + first.getName() + "\""));
            }
            if (first.getSize() > maxJsonBytes) {
                throw new StateException(StateException.Kind.TOO_LARGE, "the snapshot's state.json is " + first.getSize()
                        + " bytes, at most " + maxJsonBytes + " are kept as state values");
            }
            json = new String(tar.readNBytes((int) first.getSize()), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new StateException(StateException.Kind.BAD_REQUEST, "the upload is not a readable gzip tarball ("
                    + e.getMessage() + ")");
        } catch (UncheckedIOException e) {
            throw new StateException(StateException.Kind.TOO_LARGE, e.getCause().getMessage());
        }
        return new Split(json, new SequenceInputStream(new ByteArrayInputStream(recorded.bytes()), tarGz));
    }

    /** Keeps every byte read through it, up to a limit. */
    private static final class Recording extends FilterInputStream {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final int limit;

        Recording(InputStream in, int limit) {
            super(in);
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n <= 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                keep(buffer, offset, n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            // Skipped bytes must be kept too: read them instead.
            byte[] discard = new byte[(int) Math.min(n, 8192)];
            int read = read(discard, 0, discard.length);
            return Math.max(read, 0);
        }

        @Override
        public void close() {
            // The upload's rest is still to be read; its owner closes it.
        }

        private void keep(byte[] buffer, int offset, int length) {
            if (bytes.size() + length > limit) {
                throw new UncheckedIOException(new IOException("the snapshot's state.json is too big to be kept as "
                        + "state values"));
            }
            bytes.write(buffer, offset, length);
        }

        byte[] bytes() {
            return bytes.toByteArray();
        }
    }
}
