package dev.para.dispatch.session;

import dev.para.dispatch.api.ProblemException;
import dev.para.dispatch.api.ProblemType;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Multi;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The long-lived answers (event streams, followed logs) a replica holds open: so many per account
 * and per replica (429 beyond, with Retry-After), followed logs on a bounded pool of their own (a
 * flood of them cannot take the threads the token refresher needs), and none kept open idle.
 */
@Singleton
public class SessionStreams {

    private static final Duration RETRY_AFTER = Duration.ofSeconds(30);

    private final SessionConfig.Streams config;
    private final ConcurrentHashMap<String, AtomicInteger> perAccount = new ConcurrentHashMap<>();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger following = new AtomicInteger();
    private final ExecutorService followers;

    SessionStreams(SessionConfig config, MeterRegistry registry) {
        this.config = config.streams();
        AtomicInteger threads = new AtomicInteger();
        this.followers = new ThreadPoolExecutor(
                this.config.followedLogs(),
                this.config.followedLogs(),
                60,
                TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(),
                r -> {
                    Thread t = new Thread(r, "para-log-follower-" + threads.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        ((ThreadPoolExecutor) followers).allowCoreThreadTimeOut(true);
        Gauge.builder("para.sessions.streams.open", open, AtomicInteger::get)
                .description("Event streams and followed logs this replica holds open")
                .register(registry);
    }

    void stop(@Observes ShutdownEvent ignored) {
        followers.shutdownNow();
    }

    /** Opens a stream for the account, ended after {@code maxIdle} of silence; 429 beyond the limits. */
    public <T> Multi<T> open(String accountId, Multi<T> stream) {
        return open(accountId, stream, false);
    }

    /** A followed log: as {@link #open}, read on the followers' pool, at most {@code followedLogs} at once. */
    public <T> Multi<T> follow(String accountId, Multi<T> log) {
        return open(accountId, log.runSubscriptionOn(followers), true);
    }

    /**
     * A log followed for another stream (an instance's progress), on the followers' pool if one of
     * them is free; empty when none is, as progress is worth no 429. Ends when it is cancelled.
     */
    public <T> java.util.Optional<Multi<T>> followIfFree(Multi<T> log) {
        if (following.incrementAndGet() > config.followedLogs()) {
            following.decrementAndGet();
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(
                log.runSubscriptionOn(followers).onTermination().invoke(following::decrementAndGet));
    }

    private <T> Multi<T> open(String accountId, Multi<T> stream, boolean follower) {
        AtomicInteger mine = perAccount.computeIfAbsent(accountId, a -> new AtomicInteger());
        boolean taken = false;
        try {
            if (mine.incrementAndGet() > config.perAccount()) {
                throw limited("At most " + config.perAccount() + " open streams per account");
            }
            if (open.incrementAndGet() > config.perReplica()) {
                open.decrementAndGet();
                throw limited("This replica holds as many open streams as it may");
            }
            if (follower && following.incrementAndGet() > config.followedLogs()) {
                following.decrementAndGet();
                open.decrementAndGet();
                throw limited("This replica follows as many logs as it may");
            }
            taken = true;
        } finally {
            if (!taken) {
                mine.decrementAndGet();
            }
        }
        return stream.ifNoItem()
                .after(config.maxIdle())
                .recoverWithCompletion()
                .onTermination()
                .invoke(() -> {
                    mine.decrementAndGet();
                    open.decrementAndGet();
                    if (follower) {
                        following.decrementAndGet();
                    }
                });
    }

    private static ProblemException limited(String detail) {
        return new ProblemException(
                ProblemType.TOO_MANY_STREAMS, detail + "; close one or try again later", List.of(), RETRY_AFTER);
    }
}
