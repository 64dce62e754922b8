package dev.para.dispatch.github.webhook;

import io.vertx.core.buffer.Buffer;
import java.util.Arrays;

/**
 * The raw body of one delivery, read into a single array. Nothing is allocated before the first
 * bytes arrive; then, with a Content-Length (GitHub always sends one), the array has that size (up
 * to {@link #MAX_FIRST_ALLOCATION}), so a delivery costs no growing buffer and no copy; without one
 * it doubles as chunks arrive. Every byte held counts against a budget shared by all deliveries in
 * flight: a body that would pass it is dropped, so that slow or idle senders cannot fill the heap.
 * Not thread-safe: one request's event loop fills it; {@link #release()} when done with it.
 */
final class WebhookBody {

    /** Reserved at once at most, so that a Content-Length that lies reserves no 25 MiB. */
    static final int MAX_FIRST_ALLOCATION = 1 << 20;

    private static final int FIRST_ALLOCATION_UNDECLARED = 16 * 1024;

    /** Why a chunk was not taken. */
    enum Refusal {
        NONE,
        OVER_LIMIT,
        OVER_BUDGET
    }

    private final long declared;
    private final long limit;
    private final BodyBudget budget;
    private byte[] bytes;
    private int size;
    private Refusal refusal = Refusal.NONE;

    /**
     * {@code declaredLength}: the Content-Length, or -1 when there is none; {@code budget}: what
     * all deliveries in flight may hold, taken from as this grows and given back on release.
     */
    WebhookBody(long declaredLength, long limit, BodyBudget budget) {
        this.declared = declaredLength;
        this.limit = limit;
        this.budget = budget;
    }

    /** Appends a chunk; false, and the body is dropped, once it would go over the limit or the budget. */
    boolean append(Buffer chunk) {
        int n = chunk.length();
        if (refusal != Refusal.NONE) {
            return false;
        }
        if (size + (long) n > limit) {
            return refuse(Refusal.OVER_LIMIT);
        }
        int capacity = bytes == null ? 0 : bytes.length;
        if (size + n > capacity) {
            int first = declared < 0
                    ? FIRST_ALLOCATION_UNDECLARED
                    : (int) Math.min(Math.min(declared, limit), MAX_FIRST_ALLOCATION);
            int grown = (int) Math.min(limit, Math.max(size + n, bytes == null ? first : 2L * capacity));
            if (!budget.reserve(grown - capacity, bytes == null)) {
                return refuse(Refusal.OVER_BUDGET);
            }
            bytes = bytes == null ? new byte[grown] : Arrays.copyOf(bytes, grown);
        }
        chunk.getBytes(0, n, bytes, size);
        size += n;
        return true;
    }

    private boolean refuse(Refusal why) {
        refusal = why;
        release();
        return false;
    }

    /** Gives the bytes held back to the budget; the body is empty afterwards. Safe to call twice. */
    void release() {
        if (bytes != null) {
            budget.release(bytes.length);
            bytes = null;
        }
    }

    /** The array's current size: what the body holds in memory. */
    int capacity() {
        return bytes == null ? 0 : bytes.length;
    }

    /** Why the body was dropped, or {@link Refusal#NONE}. */
    Refusal refusal() {
        return refusal;
    }

    boolean overLimit() {
        return refusal == Refusal.OVER_LIMIT;
    }

    /** The body as it came (the array itself when the Content-Length was right); read before {@link #release()}. */
    byte[] bytes() {
        if (bytes == null) {
            return new byte[0];
        }
        return size == bytes.length ? bytes : Arrays.copyOf(bytes, size);
    }
}
