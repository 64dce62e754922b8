package dev.para.dispatch.session;

import dev.para.dispatch.crypto.Sealer;
import dev.para.dispatch.github.InstallationTokenService;
import dev.para.dispatch.github.RepositoryName;
import dev.para.dispatch.github.TokenNarrowing;
import dev.para.dispatch.kubernetes.SessionRuntime;
import dev.para.dispatch.work.LeasedWork;
import dev.para.dispatch.work.LeasedWorkRunner;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Keeps the tokens of running sessions fresh: installation tokens live an hour, sessions may run
 * for many. Before a token comes within the buffer of its expiry, a new one is minted and written
 * into the session's Secret in place; the pod's git credential helper reads the mounted file on
 * every call. A session is claimed first, so only one replica refreshes it; failures back off
 * and are counted. The claim, lease and backoff are {@link LeasedWorkRunner}'s.
 */
@Startup
@ApplicationScoped
public class SessionTokenRefresher implements LeasedWork<SessionTokenRefresher.Due> {

    private static final Duration LEASE = Duration.ofMinutes(2);
    private static final Duration RETRY = Duration.ofSeconds(20);

    private final InstallationTokenService tokens;
    private final SessionRuntime runtime;
    private final Sealer sealer;
    private final SessionRepository sessions;
    private final SessionConfig config;
    private final SessionMetrics metrics;
    private final LeasedWorkRunner runner;

    SessionTokenRefresher(
            InstallationTokenService tokens,
            SessionRuntime runtime,
            Sealer sealer,
            SessionRepository sessions,
            SessionConfig config,
            SessionMetrics metrics,
            LeasedWorkRunner runner) {
        this.tokens = tokens;
        this.runtime = runtime;
        this.sealer = sealer;
        this.sessions = sessions;
        this.config = config;
        this.metrics = metrics;
        this.runner = runner;
    }

    @Scheduled(
            every = "${para.sessions.token-refresh.interval}",
            delayed = "20s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return refreshDue().replaceWithVoid();
    }

    /** Refreshes every running session whose token expires within the buffer; how many were refreshed. */
    public Uni<Integer> refreshDue() {
        return runner.runOnce(this, config.tokenRefresh().batchSize());
    }

    /** A running session whose token is due. */
    record Due(UUID sessionId, long installationId, String repository, String accountId) {}

    @Override
    public String kind() {
        return "token-refresh";
    }

    @Override
    public Duration lease() {
        return LEASE;
    }

    @Override
    public Duration retryAfter() {
        return RETRY;
    }

    /** A pass refreshes its whole batch at once: each refresh uses the plain client, no ORM session. */
    @Override
    public int concurrency() {
        return config.tokenRefresh().batchSize();
    }

    @Override
    public String describe(Due due) {
        return "session " + due.sessionId();
    }

    @Override
    public Uni<List<Due>> claim(Instant now, Instant leaseUntil, int limit) {
        return sessions.claimTokensDue(now, now.plus(config.tokenRefresh().buffer()), leaseUntil, limit);
    }

    @Override
    public Uni<Void> process(Due due) {
        Timer.Sample sample = Timer.start();
        String name = RepositoryName.of(due.repository()).name();
        return tokens.mintDedicated(
                        due.installationId(), TokenNarrowing.repository(name, TokenNarrowing.SESSION_PERMISSIONS))
                .flatMap(token -> VertxContextSupport.executeBlocking(() -> {
                            runtime.replaceToken(due.sessionId(), token.token());
                            return token;
                        })
                        .onFailure()
                        .call(() -> tokens.revokeToken(token.installationId(), token.token())
                                .onFailure()
                                .recoverWithNull()))
                // The replaced token is left to expire: a git call in flight may be using it.
                .flatMap(token -> sessions.storeRefreshedToken(
                        due.sessionId(),
                        sealer.seal(
                                token.token(),
                                SessionLauncher.TOKEN_PURPOSE,
                                SessionLauncher.tokenBinding(due.sessionId(), due.accountId())),
                        token.expiresAt()))
                .onItemOrFailure()
                .invoke((ok, e) -> sample.stop(metrics.tokenRefresh(e == null)))
                .replaceWithVoid();
    }

    @Override
    public Uni<Void> release(Due due, Instant retryAt, Throwable failure) {
        metrics.tokenRefreshFailed();
        return sessions.leaseRefresh(due.sessionId(), retryAt);
    }
}
