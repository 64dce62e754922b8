package dev.para.dispatch.github.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PayloadPeekTest {

    private static byte[] example(String name) throws IOException {
        try (InputStream in = PayloadPeekTest.class.getResourceAsStream("/github/webhooks/" + name + ".json")) {
            return in.readAllBytes();
        }
    }

    private static byte[] json(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void readsTheActionAndTheCommentBodyOfGitHubsOwnExample() throws IOException {
        byte[] payload = example("issue_comment.created");
        assertEquals("created", PayloadPeek.action(payload));
        // the comment comes after the (large) issue object, which is skipped, not read
        assertEquals(
                "You are totally right! I'll get this fixed right away.", PayloadPeek.text(payload, "comment", "body"));
        assertEquals("Codertocat", PayloadPeek.text(payload, "sender", "login"));
    }

    @Test
    void aPushHasNoAction() throws IOException {
        assertNull(PayloadPeek.action(example("push")));
    }

    @Test
    void skipsNestedObjectsAndArraysOnTheWay() {
        byte[] payload = json(
                "{\"action\":\"created\",\"issue\":{\"comment\":{\"body\":\"not this one\"},\"labels\":[{\"body\":1}]},"
                        + "\"comment\":{\"user\":{\"body\":\"nor this\"},\"body\":\"@para \\\"quoted\\\" \\u00e9\"}}");
        assertEquals("@para \"quoted\" é", PayloadPeek.text(payload, "comment", "body"));
    }

    @Test
    void anythingUnexpectedReadsAsAbsent() {
        assertNull(PayloadPeek.action(json("[]")));
        assertNull(PayloadPeek.action(json("{\"action\":7}")));
        assertNull(PayloadPeek.action(json("not json")));
        assertNull(PayloadPeek.text(json("{\"comment\":\"body\"}"), "comment", "body"));
        assertNull(PayloadPeek.text(json("{\"comment\":{\"body\":null}}"), "comment", "body"));
        assertNull(PayloadPeek.text(json("{\"comment\":{\"body\":\"trunc"), "comment", "body"));
        assertNull(PayloadPeek.text(json("{\"issue\":{}}"), "comment", "body"));
        assertNull(PayloadPeek.text(new byte[0], "comment", "body"));
    }
}
