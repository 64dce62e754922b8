package dev.para.dispatch.work;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");
    final LeasedWorkRunner runner = new LeasedWorkRunner(Clock.fixed(NOW, ZoneOffset.UTC));

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
