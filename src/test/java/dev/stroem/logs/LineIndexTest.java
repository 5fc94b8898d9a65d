package dev.stroem.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class LineIndexTest {

    @Test
    void countsEveryNewlineWhateverTheBytesAroundIt() {
        Random random = new Random(7);
        byte[] buf = new byte[10_000];
        for (int round = 0; round < 50; round++) {
            // bytes next to '\n' in value (0x09, 0x0B, 0x8A, 0x0A ^ 0x80) must not be mistaken for it
            byte[] alphabet = {'\n', 0x09, 0x0B, (byte) 0x8A, (byte) 0xFF, 0, 'a', (byte) 0x0A ^ 0x01};
            for (int i = 0; i < buf.length; i++) {
                buf[i] = alphabet[random.nextInt(alphabet.length)];
            }
            int len = random.nextInt(buf.length);
            int off = random.nextInt(buf.length - len + 1);
            LineIndex index = new LineIndex(3);
            index.appended(buf, off, len);
            long expected = 0;
            for (int i = off; i < off + len; i++) {
                if (buf[i] == '\n') {
                    expected++;
                }
            }
            assertThat(index.lines()).isEqualTo(expected);
            assertThat(index.bytes()).isEqualTo(len);
            if (expected >= 3) {
                // line 3 starts after the third newline
                long third = -1;
                int seen = 0;
                for (int i = off; i < off + len && seen < 3; i++) {
                    if (buf[i] == '\n' && ++seen == 3) {
                        third = i - off + 1;
                    }
                }
                assertThat(index.seek(3)).containsExactly(3, third);
            }
        }
    }
}
