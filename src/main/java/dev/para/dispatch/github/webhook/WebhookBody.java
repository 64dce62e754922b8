package dev.para.dispatch.github.webhook;

import io.vertx.core.buffer.Buffer;
import java.util.Arrays;

/**
 * The raw body of one delivery, read into a single array. With a Content-Length (GitHub always
 * sends one) the array has that size from the start, so a delivery costs no growing buffer and no
 * copy; without one it doubles as chunks arrive. Not thread-safe: one request's event loop fills it.
 */
final class WebhookBody {

    /** Reserved up front at most, so that a Content-Length that lies reserves no 25 MiB. */
    static final int MAX_FIRST_ALLOCATION = 1 << 20;
    private static final int FIRST_ALLOCATION_UNDECLARED = 16 * 1024;

    private final long limit;
    private byte[] bytes;
    private int size;

    /** {@code declaredLength}: the Content-Length, or -1 when there is none. */
    WebhookBody(long declaredLength, long limit) {
        this.limit = limit;
        this.bytes = new byte[declaredLength < 0 ? FIRST_ALLOCATION_UNDECLARED
                : (int) Math.min(Math.min(declaredLength, limit), MAX_FIRST_ALLOCATION)];
    }

    /** Appends a chunk; false, and the body is dropped, once it would go over the limit. */
    boolean append(Buffer chunk) {
        int n = chunk.length();
        if (bytes == null || size + (long) n > limit) {
            bytes = null;
            return false;
        }
        if (size + n > bytes.length) {
            bytes = Arrays.copyOf(bytes, (int) Math.min(limit, Math.max(size + n, 2L * bytes.length)));
        }
        chunk.getBytes(0, n, bytes, size);
        size += n;
        return true;
    }

    /** The array's current size: what the body holds in memory. */
    int capacity() {
        return bytes == null ? 0 : bytes.length;
    }

    boolean overLimit() {
        return bytes == null;
    }

    /** The body as it came; the array itself when the Content-Length was right. */
    byte[] bytes() {
        return size == bytes.length ? bytes : Arrays.copyOf(bytes, size);
    }
}
