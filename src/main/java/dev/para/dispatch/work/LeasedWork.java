package dev.para.dispatch.work;

import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Work that replicas share through PostgreSQL: rows claimed with a lease ({@code FOR UPDATE SKIP
 * LOCKED}, so each is worked on by one replica at a time), processed, and on failure left leased
 * until a jittered backoff has passed, when any replica may claim them again. A crash simply lets
 * the lease run out. {@link LeasedWorkRunner} runs it; an implementation says only what is
 * claimed, what is done, and how a failure is recorded.
 *
 * @param <T> one claimed item
 */
public interface LeasedWork<T> {

    /** The work's name in logs and metrics, such as {@code token-refresh}. */
    String kind();

    /** How long a claim holds: longer than processing one batch takes. */
    Duration lease();

    /** The pause after a failure, before jitter: it is taken between half of it and all of it. */
    Duration retryAfter();

    /** Claims up to {@code limit} items that are due and not leased, leasing them until {@code leaseUntil}. */
    Uni<List<T>> claim(Instant now, Instant leaseUntil, int limit);

    /** Does the item's work; when this completes the item is done (the work clears its lease). */
    Uni<Void> process(T item);

    /**
     * Records that the item failed: it stays leased until {@code retryAt}, the runner's jittered
     * backoff, unless the work knows better (a rate limit's reset, a backoff by attempts, or no
     * retry at all).
     */
    Uni<Void> release(T item, Instant retryAt, Throwable failure);

    /** The item in a log line (an id, never a secret). */
    String describe(T item);

    /**
     * How many items one pass processes at once. One by default: work that opens a Hibernate
     * Reactive session must not share the pass's Vert.x context with another item's.
     */
    default int concurrency() {
        return 1;
    }
}
