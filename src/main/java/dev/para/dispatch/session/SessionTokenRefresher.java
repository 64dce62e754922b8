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
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
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
    private static final String CLAIM_SQL = "UPDATE sessions SET refresh_claimed_until = $1 WHERE id IN ("
            + "SELECT id FROM sessions WHERE state = 'RUNNING' AND token_expires_at < $2"
            + " AND (refresh_claimed_until IS NULL OR refresh_claimed_until < $3)"
            + " ORDER BY token_expires_at LIMIT $4 FOR UPDATE SKIP LOCKED)"
            + " RETURNING id, installation_id, repository, account_id";

    private final InstallationTokenService tokens;
    private final SessionRuntime runtime;
    private final Sealer sealer;
    private final Pool pool;
    private final SessionConfig config;
    private final SessionMetrics metrics;
    private final LeasedWorkRunner runner;

    SessionTokenRefresher(
            InstallationTokenService tokens,
            SessionRuntime runtime,
            Sealer sealer,
            Pool pool,
            SessionConfig config,
            SessionMetrics metrics,
            LeasedWorkRunner runner) {
        this.tokens = tokens;
        this.runtime = runtime;
        this.sealer = sealer;
        this.pool = pool;
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
        return pool.preparedQuery(CLAIM_SQL)
                .execute(Tuple.of(
                        leaseUntil.atOffset(ZoneOffset.UTC),
                        now.plus(config.tokenRefresh().buffer()).atOffset(ZoneOffset.UTC),
                        now.atOffset(ZoneOffset.UTC),
                        limit))
                .map(rows -> {
                    List<Due> due = new ArrayList<>();
                    for (Row row : rows) {
                        due.add(new Due(
                                row.getUUID("id"),
                                row.getLong("installation_id"),
                                row.getString("repository"),
                                row.getString("account_id")));
                    }
                    return due;
                });
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
                .flatMap(token -> pool.preparedQuery("UPDATE sessions SET sealed_token = $1, token_expires_at = $2,"
                                + " refresh_claimed_until = NULL WHERE id = $3 AND state = 'RUNNING'")
                        .execute(Tuple.of(
                                sealer.seal(
                                        token.token(),
                                        SessionLauncher.TOKEN_PURPOSE,
                                        SessionLauncher.tokenBinding(due.sessionId(), due.accountId())),
                                token.expiresAt().atOffset(ZoneOffset.UTC),
                                due.sessionId())))
                .onItemOrFailure()
                .invoke((ok, e) -> sample.stop(metrics.tokenRefresh(e == null)))
                .replaceWithVoid();
    }

    @Override
    public Uni<Void> release(Due due, Instant retryAt, Throwable failure) {
        metrics.tokenRefreshFailed();
        return pool.preparedQuery("UPDATE sessions SET refresh_claimed_until = $1 WHERE id = $2")
                .execute(Tuple.of(retryAt.atOffset(ZoneOffset.UTC), due.sessionId()))
                .replaceWithVoid();
    }
}
