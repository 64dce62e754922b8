package dev.para.dispatch.work;

import dev.para.dispatch.Redactor;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * Runs {@link LeasedWork}: one pass claims a batch, processes its items side by side, and leaves
 * each failed item leased until a jittered backoff, logged with its redacted reason (the work's
 * own {@link LeasedWork#release} counts it where it has a metric). A pass that cannot claim
 * (PostgreSQL away) logs and does nothing: the next pass tries again.
 */
@ApplicationScoped
public class LeasedWorkRunner {

    private final Clock clock;
    private final WorkMetrics metrics;

    LeasedWorkRunner(Clock clock, WorkMetrics metrics) {
        this.clock = clock;
        this.metrics = metrics;
    }

    /** One pass over up to {@code limit} due items; how many were done. */
    public <T> Uni<Integer> runOnce(LeasedWork<T> work, int limit) {
        Instant now = clock.instant();
        return timed(
                work.kind(),
                work.claim(now, now.plus(work.lease()), limit).flatMap(items -> runClaimed(work, items)),
                0);
    }

    /**
     * Claims and processes batches until a claim comes back short of a full batch (nothing more
     * is due); how many items were claimed. A failed pass leaves its batch leased: a later pass
     * takes it again once the lease has run out.
     */
    public <T> Uni<Integer> runBatches(LeasedBatchWork<T> work) {
        Uni<Integer> batches = Uni.createFrom()
                .deferred(() -> work.claimBatch()
                        .flatMap(batch -> work.processBatch(batch).replaceWith(batch.size())))
                .repeat()
                .whilst(claimed -> claimed == work.batchSize())
                .collect()
                .with(java.util.stream.Collectors.summingInt(Integer::intValue));
        return timed(work.kind(), batches.invoke(n -> metrics.items(work.kind(), "claimed", n)), 0);
    }

    /**
     * Runs a pass of periodic work that leases nothing (it holds row locks for a transaction
     * instead), timed and logged as the leased kinds are; how many items it did, 0 when it failed.
     */
    public Uni<Integer> runPass(String kind, Uni<Integer> pass) {
        return timed(kind, pass, 0);
    }

    /** Times a pass, and logs a failed one: the next pass tries again. */
    private Uni<Integer> timed(String kind, Uni<Integer> pass, int onFailure) {
        return Uni.createFrom().deferred(() -> {
            var sample = metrics.start();
            return pass.onItemOrFailure()
                    .invoke((n, failure) -> sample.stop(metrics.pass(kind, failure == null ? "success" : "failure")))
                    .onFailure()
                    .invoke(e ->
                            Log.warnf("A %s pass failed (%s); the next pass tries again", kind, Redactor.describe(e)))
                    .onFailure()
                    .recoverWithItem(onFailure);
        });
    }

    /** Processes items the caller claimed itself (one it wants done now); how many were done. */
    public <T> Uni<Integer> runClaimed(LeasedWork<T> work, List<T> items) {
        return Multi.createFrom()
                .iterable(items)
                .onItem()
                .transformToUni(item ->
                        work.process(item).replaceWith(true).onFailure().recoverWithUni(e -> failed(work, item, e)))
                .merge(Math.max(1, work.concurrency()))
                .collect()
                .asList()
                .map(results -> {
                    int done = (int) results.stream().filter(ok -> ok).count();
                    metrics.items(work.kind(), "done", done);
                    metrics.items(work.kind(), "failed", results.size() - done);
                    return done;
                });
    }

    private <T> Uni<Boolean> failed(LeasedWork<T> work, T item, Throwable e) {
        Instant retryAt = clock.instant().plus(Backoff.jittered(work.retryAfter(), 0, work.retryAfter()));
        Log.warnf(
                "%s failed for %s (%s); retried after a backoff",
                work.kind(), work.describe(item), Redactor.describe(e));
        return work.release(item, retryAt, e)
                .onFailure()
                .invoke(f -> Log.warnf(
                        "Could not record that %s failed for %s (%s); its lease runs out instead",
                        work.kind(), work.describe(item), Redactor.describe(f)))
                .onFailure()
                .recoverWithNull()
                .replaceWith(false);
    }
}
