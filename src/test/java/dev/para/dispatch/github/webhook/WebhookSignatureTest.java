package dev.para.dispatch.github.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {

    // The test vector of GitHub's "Validating webhook deliveries".
    private static final String SECRET = "It's a Secret to Everybody";
    private static final byte[] BODY = "Hello, World!".getBytes(StandardCharsets.UTF_8);
    private static final String EXPECTED = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

    private final WebhookSignature signature = new WebhookSignature(SECRET);

    @Test
    void matchesGitHubsTestVector() {
        assertEquals(EXPECTED, signature.header(BODY));
        assertTrue(signature.verify(BODY, EXPECTED));
    }

    @Test
    void rejectsWrongMissingAndMalformedSignatures() {
        assertFalse(signature.verify(BODY, null));
        assertFalse(signature.verify(BODY, ""));
        assertFalse(signature.verify(BODY, EXPECTED.replace("sha256=", "sha1=")));
        assertFalse(signature.verify(BODY, EXPECTED.substring(0, EXPECTED.length() - 1) + "f"));
        assertFalse(signature.verify(BODY, EXPECTED.substring(0, EXPECTED.length() - 2)));
        assertFalse(signature.verify(BODY, "sha256=" + "zz".repeat(32)));
        assertFalse(signature.verify("Hello, World?".getBytes(StandardCharsets.UTF_8), EXPECTED));
        assertFalse(new WebhookSignature("another secret").verify(BODY, EXPECTED));
    }

    /** GitHub sends lower-case hex; the same digest in upper case is not what GitHub sends, and is refused. */
    @Test
    void refusesUppercaseHex() {
        assertFalse(signature.verify(BODY, "sha256=" + EXPECTED.substring(7).toUpperCase()));
        assertTrue(signature.verify(BODY, EXPECTED));
    }
}
