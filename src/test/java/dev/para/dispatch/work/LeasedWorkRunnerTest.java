package dev.para.dispatch.work;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The runner of leased work, with a work of its own: what is claimed, done, released and when. */
class LeasedWorkRunnerTest {

    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");
    final LeasedWorkRunner runner = new LeasedWorkRunner(Clock.fixed(NOW, ZoneOffset.UTC), new WorkMetrics(meters));

    /** Items 1..n; the odd ones fail. Records leases, releases and how many ran at once. */
    static final class Numbers implements LeasedWork<Integer> {
        final int count;
        final int concurrency;
        final boolean claimFails;
        Instant leasedUntil;
        final Map<Integer, Instant> released = new ConcurrentHashMap<>();
        final AtomicInteger running = new AtomicInteger();
        final AtomicInteger mostAtOnce = new AtomicInteger();

        Numbers(int count, int concurrency, boolean claimFails) {
            this.count = count;
            this.concurrency = concurrency;
            this.claimFails = claimFails;
        }

        @Override
        public String kind() {
            return "counting";
        }

        @Override
        public Duration lease() {
            return Duration.ofMinutes(2);
        }

        @Override
        public Duration retryAfter() {
            return Duration.ofSeconds(20);
        }

        @Override
        public Uni<List<Integer>> claim(Instant now, Instant leaseUntil, int limit) {
            if (claimFails) {
                return Uni.createFrom().failure(new IllegalStateException("PostgreSQL is away"));
            }
            leasedUntil = leaseUntil;
            return Uni.createFrom()
                    .item(java.util.stream.IntStream.rangeClosed(1, Math.min(count, limit))
                            .boxed()
                            .toList());
        }

        @Override
        public Uni<Void> process(Integer item) {
            mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
            return Uni.createFrom()
                    .voidItem()
                    .onItem()
                    .delayIt()
                    .by(Duration.ofMillis(20))
                    .invoke(() -> running.decrementAndGet())
                    .invoke(() -> {
                        if (item % 2 == 1) {
                            throw new IllegalStateException("odd");
                        }
                    });
        }

        @Override
        public Uni<Void> release(Integer item, Instant retryAt, Throwable failure) {
            released.put(item, retryAt);
            return Uni.createFrom().voidItem();
        }

        @Override
        public String describe(Integer item) {
            return "item " + item;
        }

        @Override
        public int concurrency() {
            return concurrency;
        }
    }

    @Test
    void donesAreCountedFailuresReleasedUntilAJitteredRetry() {
        Numbers work = new Numbers(10, 4, false);
        int done = runner.runOnce(work, 6).await().atMost(Duration.ofSeconds(5));
        assertEquals(3, done, "2, 4 and 6 were done");
        assertEquals(NOW.plus(Duration.ofMinutes(2)), work.leasedUntil);
        assertEquals(java.util.Set.of(1, 3, 5), work.released.keySet());
        assertEquals(
                3,
                meters.get(WorkMetrics.ITEMS)
                        .tags("kind", "counting", "outcome", "done")
                        .counter()
                        .count());
        assertEquals(
                3,
                meters.get(WorkMetrics.ITEMS)
                        .tags("kind", "counting", "outcome", "failed")
                        .counter()
                        .count());
        assertEquals(
                1,
                meters.get(WorkMetrics.PASS)
                        .tags("kind", "counting", "outcome", "success")
                        .timer()
                        .count());
        work.released
                .values()
                .forEach(retryAt -> assertTrue(
                        !retryAt.isBefore(NOW.plusSeconds(10)) && !retryAt.isAfter(NOW.plusSeconds(20)),
                        retryAt::toString));
    }

    @ParameterizedTest(name = "concurrency {0}")
    @CsvSource({"1", "3"})
    void itemsRunAsManyAtOnceAsTheWorkAllows(int concurrency) {
        Numbers work = new Numbers(9, concurrency, false);
        runner.runOnce(work, 9).await().atMost(Duration.ofSeconds(5));
        assertEquals(concurrency, work.mostAtOnce.get());
    }

    @Test
    void aPassThatCannotClaimDoesNothing() {
        Numbers work = new Numbers(5, 1, true);
        assertEquals(0, runner.runOnce(work, 5).await().atMost(Duration.ofSeconds(5)));
        assertTrue(work.released.isEmpty());
        assertEquals(
                1,
                meters.get(WorkMetrics.PASS)
                        .tags("kind", "counting", "outcome", "failure")
                        .timer()
                        .count());
    }

    /** Batches of three out of seven due items: claimed until a claim comes back short. */
    static final class Batches implements LeasedBatchWork<Integer> {
        final java.util.Deque<Integer> due = new java.util.ArrayDeque<>(List.of(1, 2, 3, 4, 5, 6, 7));
        final List<List<Integer>> processed = new java.util.ArrayList<>();
        int claims;

        @Override
        public String kind() {
            return "batches";
        }

        @Override
        public int batchSize() {
            return 3;
        }

        @Override
        public Uni<List<Integer>> claimBatch() {
            claims++;
            List<Integer> batch = new java.util.ArrayList<>();
            while (batch.size() < batchSize() && !due.isEmpty()) {
                batch.add(due.poll());
            }
            return Uni.createFrom().item(batch);
        }

        @Override
        public Uni<Void> processBatch(List<Integer> batch) {
            processed.add(batch);
            return batch.contains(5)
                    ? Uni.createFrom().failure(new IllegalStateException("PostgreSQL went away"))
                    : Uni.createFrom().voidItem();
        }
    }

    @Test
    void batchesAreClaimedUntilAClaimComesBackShort() {
        Batches work = new Batches();
        assertEquals(0, runner.runBatches(work).await().atMost(Duration.ofSeconds(5)), "a failed pass counts nothing");
        assertEquals(List.of(List.of(1, 2, 3), List.of(4, 5, 6)), work.processed, "a failed batch ends the pass");
        assertEquals(
                1,
                meters.get(WorkMetrics.PASS)
                        .tags("kind", "batches", "outcome", "failure")
                        .timer()
                        .count());
        work.due.addAll(List.of(8));
        assertEquals(2, runner.runBatches(work).await().atMost(Duration.ofSeconds(5)));
        assertEquals(List.of(7, 8), work.processed.get(2));
        assertEquals(3, work.claims);
    }

    @RepeatedTest(20)
    void theBackoffDoublesWithinItsCapWithEqualJitter() {
        Duration base = Duration.ofSeconds(1);
        for (int attempt = 0; attempt < 8; attempt++) {
            long cap = Math.min(30_000, 1000L << attempt);
            long wait = Backoff.jittered(base, attempt, Duration.ofSeconds(30)).toMillis();
            assertTrue(wait >= cap / 2 && wait <= cap, "attempt " + attempt + ": " + wait);
        }
    }
}
