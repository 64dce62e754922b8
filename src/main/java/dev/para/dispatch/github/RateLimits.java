package dev.para.dispatch.github;

import dev.para.dispatch.Redactor;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The rate limits GitHub answered, per scope (the App's own calls, or one installation's), kept
 * until their reset: no call goes to GitHub for a scope that is known to be limited. A limit is
 * shared with the other replicas through PostgreSQL (written when hit, read every few seconds), so
 * the whole service makes at most about one call per scope into each limit window.
 */
@Singleton
public class RateLimits {

    /** The App's own calls (App JWT): minting tokens, the manifest conversion. */
    public static final String APP = "app";

    private final Map<String, Instant> limitedUntil = new ConcurrentHashMap<>();
    private final Pool pool;
    private final Clock clock;
    private final Counter appLimits;
    private final Counter installationLimits;

    RateLimits(Pool pool, Clock clock, MeterRegistry registry) {
        this.pool = pool;
        this.clock = clock;
        this.appLimits = hits(registry, "app");
        this.installationLimits = hits(registry, "installation");
        Gauge.builder("para.github.rate_limited", this, r -> r.active(true))
                .description("Whether the App's own calls are rate-limited now (1) or not (0)")
                .tag("scope", "app")
                .register(registry);
        Gauge.builder("para.github.rate_limited", this, r -> r.active(false))
                .description("Installations whose calls are rate-limited now")
                .tag("scope", "installation")
                .register(registry);
    }

    private static Counter hits(MeterRegistry registry, String scope) {
        return Counter.builder("para.github.rate_limits")
                .description("Rate limits GitHub answered, by scope")
                .tag("scope", scope)
                .register(registry);
    }

    /** The scope of an installation's calls. */
    public static String installation(long installationId) {
        return "installation:" + installationId;
    }

    /** Until when calls of the scope must not be made; empty when they may. */
    public Optional<Instant> limitedUntil(String scope) {
        if (scope == null) {
            return Optional.empty();
        }
        Instant until = limitedUntil.get(scope);
        if (until == null || !until.isAfter(clock.instant())) {
            return Optional.empty();
        }
        return Optional.of(until);
    }

    /** GitHub answered a rate limit for the scope that lasts {@code wait}: no call until then, on any replica. */
    public void remember(String scope, Duration wait) {
        if (scope == null) {
            return;
        }
        Instant until = clock.instant().plus(wait);
        Instant known = limitedUntil.merge(scope, until, (a, b) -> a.isAfter(b) ? a : b);
        (APP.equals(scope) ? appLimits : installationLimits).increment();
        Log.warnf("GitHub rate-limits %s until %s; no call for it until then", scope, known);
        pool.preparedQuery("INSERT INTO github_rate_limits (scope, limited_until) VALUES ($1, $2)"
                        + " ON CONFLICT (scope) DO UPDATE SET limited_until = greatest(github_rate_limits.limited_until,"
                        + " excluded.limited_until)")
                .execute(Tuple.of(scope, known.atOffset(ZoneOffset.UTC)))
                .subscribe()
                .with(done -> {}, e -> Log.debugf("Rate limit of %s not shared: %s", scope, Redactor.describe(e)));
    }

    /** The App's own limit, when there is one now: for readiness. */
    public Optional<Instant> appLimitedUntil() {
        return limitedUntil(APP);
    }

    /** Installations limited now. */
    public long installationsLimited() {
        Instant now = clock.instant();
        return limitedUntil.entrySet().stream()
                .filter(e -> !APP.equals(e.getKey()) && e.getValue().isAfter(now))
                .count();
    }

    private double active(boolean app) {
        return app ? (appLimitedUntil().isPresent() ? 1 : 0) : installationsLimited();
    }

    /** Forgets every limit, here and in PostgreSQL: for tests, which share one service. */
    Uni<Void> forgetAll() {
        limitedUntil.clear();
        return pool.query("DELETE FROM github_rate_limits").execute().replaceWithVoid();
    }

    /** Takes the limits other replicas met; forgets the ones that are over. */
    @Scheduled(every = "5s", delayed = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sync() {
        Instant now = clock.instant();
        limitedUntil.values().removeIf(until -> !until.isAfter(now));
        return pool.preparedQuery("SELECT scope, limited_until FROM github_rate_limits WHERE limited_until > $1")
                .execute(Tuple.of(now.atOffset(ZoneOffset.UTC)))
                .invoke(rows -> {
                    for (Row row : rows) {
                        limitedUntil.merge(
                                row.getString("scope"),
                                row.getOffsetDateTime("limited_until").toInstant(),
                                (a, b) -> a.isAfter(b) ? a : b);
                    }
                })
                .call(() -> pool.preparedQuery("DELETE FROM github_rate_limits WHERE limited_until < $1")
                        .execute(Tuple.of(now.minus(Duration.ofMinutes(5)).atOffset(ZoneOffset.UTC))))
                .onFailure()
                .recoverWithNull()
                .replaceWithVoid();
    }
}
