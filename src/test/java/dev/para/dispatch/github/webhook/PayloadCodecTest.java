package dev.para.dispatch.github.webhook;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

class PayloadCodecTest {

    @Test
    void givesBackTheExactSignedBytesAndStoresFarFewer() throws IOException {
        for (String example : new String[] {"issue_comment.created", "push", "ping"}) {
            byte[] raw;
            try (InputStream in = PayloadCodecTest.class.getResourceAsStream("/github/webhooks/" + example + ".json")) {
                raw = in.readAllBytes();
            }
            byte[] stored = PayloadCodec.compress(raw);
            assertArrayEquals(raw, PayloadCodec.decompress(stored), example);
            assertTrue(stored.length < raw.length / 2, example + ": " + stored.length + " of " + raw.length + " bytes");
        }
        assertArrayEquals(new byte[0], PayloadCodec.decompress(PayloadCodec.compress(new byte[0])));
    }

    @Test
    void aDamagedPayloadIsAnErrorNotAnOverrun() {
        assertThrows(IllegalArgumentException.class, () -> PayloadCodec.decompress(new byte[] {0, 0, 1, 0, 7, 7, 7}));
        // a length beyond GitHub's 25 MiB limit is refused before anything is allocated
        assertThrows(
                IllegalArgumentException.class, () -> PayloadCodec.decompress(new byte[] {-1, -1, -1, 0x7f, 1, 2}));
        assertThrows(IllegalArgumentException.class, () -> PayloadCodec.decompress(new byte[] {1}));
        assertThrows(IllegalArgumentException.class, () -> PayloadCodec.inflate(new byte[] {7, 7, 7}));
    }
}
