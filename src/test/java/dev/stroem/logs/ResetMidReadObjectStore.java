package dev.stroem.logs;

import dev.stroem.storage.ObjectStore;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketException;
import java.util.Optional;

/**
 * Fault injection: a real object store whose {@code failingOpen}-th open returns a stream that
 * fails with "Connection reset" after {@code bytesBeforeReset} bytes, as an S3 GET does when the
 * connection drops mid-body. A fault the real backends cannot be made to produce on demand.
 */
final class ResetMidReadObjectStore implements ObjectStore {
    private final ObjectStore real;
    private final int failingOpen;
    private final long bytesBeforeReset;
    private int opens;

    ResetMidReadObjectStore(ObjectStore real, int failingOpen, long bytesBeforeReset) {
        this.real = real;
        this.failingOpen = failingOpen;
        this.bytesBeforeReset = bytesBeforeReset;
    }

    @Override
    public void put(String key, ContentWriter content) {
        real.put(key, content);
    }

    @Override
    public synchronized Optional<InputStream> open(String key) {
        var in = real.open(key);
        return ++opens == failingOpen ? in.map(ResettingStream::new) : in;
    }

    @Override
    public void delete(String key) {
        real.delete(key);
    }

    @Override
    public String describe() {
        return real.describe();
    }

    private final class ResettingStream extends FilterInputStream {
        private long read;

        ResettingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            check(1);
            int b = super.read();
            read++;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            check(len);
            int n = super.read(b, off, (int) Math.min(len, Math.max(1, bytesBeforeReset - read)));
            read += Math.max(n, 0);
            return n;
        }

        private void check(int wanted) throws IOException {
            if (read >= bytesBeforeReset) {
                throw new SocketException("Connection reset");
            }
        }
    }
}
