package dev.para.dispatch.work;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** The one backoff of the service: exponential, capped, with equal jitter (half fixed, half random). */
public final class Backoff {

    private Backoff() {}

    /** The wait before try {@code attempt} (0 for the first retry): {@code base · 2^attempt}, capped, jittered. */
    public static Duration jittered(Duration base, int attempt, Duration max) {
        long cap = Math.min(max.toMillis(), base.toMillis() << Math.min(Math.max(attempt, 0), 20));
        return Duration.ofMillis(cap / 2 + ThreadLocalRandom.current().nextLong(cap / 2 + 1));
    }
}
