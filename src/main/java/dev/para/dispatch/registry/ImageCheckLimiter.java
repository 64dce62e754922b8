package dev.para.dispatch.registry;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.para.dispatch.api.ProblemException;
import dev.para.dispatch.api.ProblemType;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many image checks an account may ask for (each one makes this service call a host the
 * caller named): {@code para.registry.checks-per-minute} per account and replica, in fixed
 * one-minute windows; beyond that 429 with Retry-After until the window ends. Launches check
 * their image too, but from the cache, and are not counted.
 */
@Singleton
public class ImageCheckLimiter {

    private static final Duration WINDOW = Duration.ofMinutes(1);

    private record Window(long startMillis, AtomicInteger used) {}

    private final RegistryConfig config;
    private final Clock clock;
    private final Cache<String, Window> windows = Caffeine.newBuilder()
            .maximumSize(100_000)
            .expireAfterWrite(WINDOW.multipliedBy(2))
            .build();

    ImageCheckLimiter(RegistryConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    /** Takes one check for the account, or answers 429 with when the next one is possible. */
    public void take(String accountId) {
        long now = clock.millis();
        Window window = windows.asMap()
                .compute(
                        accountId,
                        (id, current) -> current == null || now - current.startMillis() >= WINDOW.toMillis()
                                ? new Window(now, new AtomicInteger())
                                : current);
        if (window.used().incrementAndGet() > config.checksPerMinute()) {
            long left = Math.max(1, (window.startMillis() + WINDOW.toMillis() - now + 999) / 1000);
            throw new ProblemException(
                    ProblemType.IMAGE_CHECKS_LIMITED,
                    "At most " + config.checksPerMinute() + " image checks a minute per account; try again in " + left
                            + " s",
                    List.of(),
                    Duration.ofSeconds(left));
        }
    }
}
