package dev.para.dispatch.github.webhook;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes that all delivery bodies being read may hold together
 * ({@code para.github.webhook.max-in-flight-bytes}), and how many bodies hold some: so that slow
 * or idle senders cannot fill the heap, and operators can see how close the intake is to it.
 */
final class BodyBudget {

    private final long total;
    private final AtomicLong left;
    private final AtomicInteger bodies = new AtomicInteger();

    BodyBudget(long bytes) {
        this.total = bytes;
        this.left = new AtomicLong(bytes);
    }

    /** Takes {@code more} bytes if they are left; {@code first} when the body held none until now. */
    boolean reserve(long more, boolean first) {
        for (long now = left.get(); now >= more; now = left.get()) {
            if (left.compareAndSet(now, now - more)) {
                if (first) {
                    bodies.incrementAndGet();
                }
                return true;
            }
        }
        return false;
    }

    /** Gives back everything one body held. */
    void release(long bytes) {
        left.addAndGet(bytes);
        bodies.decrementAndGet();
    }

    /** The bytes bodies being read hold now. */
    long held() {
        return total - left.get();
    }

    /** How many bodies hold bytes now. */
    int bodies() {
        return bodies.get();
    }
}
