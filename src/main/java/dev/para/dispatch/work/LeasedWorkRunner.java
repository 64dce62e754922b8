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

    LeasedWorkRunner(Clock clock) {
        this.clock = clock;
    }

    /** One pass over up to {@code limit} due items; how many were done. */
    public <T> Uni<Integer> runOnce(LeasedWork<T> work, int limit) {
        Instant now = clock.instant();
        return work.claim(now, now.plus(work.lease()), limit)
                .flatMap(items -> runClaimed(work, items))
                .onFailure()
                .invoke(e -> Log.warnf(
                        "A %s pass failed (%s); the next pass tries again", work.kind(), Redactor.describe(e)))
                .onFailure()
                .recoverWithItem(0);
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
                .map(results -> (int) results.stream().filter(done -> done).count());
    }

    private <T> Uni<Boolean> failed(LeasedWork<T> work, T item, Throwable e) {
        Instant retryAt = clock.instant().plus(Backoff.jittered(work.retryAfter(), 0, work.retryAfter()));
        Log.warnf("The %s of %s failed (%s)", work.kind(), work.describe(item), Redactor.describe(e));
        return work.release(item, retryAt, e)
                .onFailure()
                .invoke(f -> Log.warnf(
                        "Could not record the failed %s of %s (%s); its lease runs out instead",
                        work.kind(), work.describe(item), Redactor.describe(f)))
                .onFailure()
                .recoverWithNull()
                .replaceWith(false);
    }
}
