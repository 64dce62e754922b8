package dev.para.dispatch.github.webhook;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class WebhookBodyTest {

    private static final byte[] PAYLOAD =
            "{\"zen\":\"Keep it logically awesome.\",\"hook_id\":1}".getBytes(StandardCharsets.UTF_8);

    private static final BodyBudget PLENTY = new BodyBudget(Long.MAX_VALUE / 2);

    private static WebhookBody readInChunks(long declared, long limit, byte[] payload, int chunk) {
        WebhookBody body = new WebhookBody(declared, limit, PLENTY);
        for (int i = 0; i < payload.length; i += chunk) {
            body.append(Buffer.buffer(Arrays.copyOfRange(payload, i, Math.min(payload.length, i + chunk))));
        }
        return body;
    }

    @Test
    void aBodyOfItsDeclaredLengthIsReadIntoOneArrayAndHandedOverAsIs() {
        WebhookBody body = readInChunks(PAYLOAD.length, 1024, PAYLOAD, 7);
        byte[] bytes = body.bytes();
        assertArrayEquals(PAYLOAD, bytes);
        assertSame(bytes, body.bytes(), "no copy when the Content-Length was right");
    }

    @Test
    void aBodyWithoutOrWithAWrongLengthIsReadWhole() {
        assertArrayEquals(PAYLOAD, readInChunks(-1, 1024, PAYLOAD, 5).bytes(), "chunked: no Content-Length");
        assertArrayEquals(PAYLOAD, readInChunks(3, 1024, PAYLOAD, 5).bytes(), "declared too short");
        assertArrayEquals(PAYLOAD, readInChunks(500, 1024, PAYLOAD, 5).bytes(), "declared too long");
        assertArrayEquals(new byte[0], new WebhookBody(0, 1024, PLENTY).bytes());
    }

    @Test
    void aBodyOverTheLimitIsDropped() {
        WebhookBody body = readInChunks(-1, PAYLOAD.length - 1, PAYLOAD, 10);
        assertTrue(body.overLimit());
        assertFalse(body.append(Buffer.buffer("x")), "and stays dropped");
        assertFalse(readInChunks(-1, PAYLOAD.length, PAYLOAD, 10).overLimit(), "exactly the limit is fine");
    }

    @Test
    void aLyingContentLengthReservesNothingBeforeBytesAndNoMoreThanTheFirstAllocationAfter() {
        WebhookBody body = new WebhookBody(WebhookRoute.MAX_BODY_BYTES, WebhookRoute.MAX_BODY_BYTES, PLENTY);
        assertEquals(0, body.capacity(), "nothing before the first byte");
        body.append(Buffer.buffer("{}"));
        assertEquals(WebhookBody.MAX_FIRST_ALLOCATION, body.capacity());
        assertArrayEquals("{}".getBytes(StandardCharsets.UTF_8), body.bytes());
    }

    /** Bodies being read share a budget: one that would pass it is dropped, and released bytes can be used again. */
    @Test
    void bodiesInFlightShareOneBudget() {
        BodyBudget budget = new BodyBudget(3 * WebhookBody.MAX_FIRST_ALLOCATION / 2);
        WebhookBody first = new WebhookBody(20_000_000, WebhookRoute.MAX_BODY_BYTES, budget);
        WebhookBody second = new WebhookBody(20_000_000, WebhookRoute.MAX_BODY_BYTES, budget);
        assertTrue(first.append(Buffer.buffer("{")));
        assertFalse(second.append(Buffer.buffer("{")), "the budget holds one first allocation, not two");
        assertEquals(1, budget.bodies());
        assertEquals(WebhookBody.MAX_FIRST_ALLOCATION, budget.held());
        assertEquals(WebhookBody.Refusal.OVER_BUDGET, second.refusal());
        first.release();
        first.release();
        assertEquals(0, budget.held(), "everything given back, once");
        assertEquals(0, budget.bodies());
        WebhookBody third = new WebhookBody(20_000_000, WebhookRoute.MAX_BODY_BYTES, budget);
        assertTrue(third.append(Buffer.buffer("{")));
    }
}
