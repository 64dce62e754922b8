package dev.para.dispatch.github;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.para.dispatch.Contexts;
import dev.para.dispatch.Redactor;
import dev.para.dispatch.Timestamps;
import dev.para.dispatch.crypto.Sealer;
import dev.para.dispatch.github.model.AccessTokenRequest;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Installation tokens, narrowed per use, served from a cache that is single-flight: concurrent
 * requests for the same (installation, narrowing) share one upstream mint. A token is replaced a
 * configurable buffer before it expires. Tokens are stored sealed, so a restart reuses a token
 * with life left instead of minting again; PostgreSQL being away only costs that reuse.
 */
@Singleton
public class InstallationTokenService {

    static final String PURPOSE = "installation-token";

    record Key(long installationId, TokenNarrowing narrowing) {}

    private final GitHubClient github;
    private final Pool pool;
    private final Sealer sealer;
    private final Clock clock;
    private final GitHubConfig config;
    private final GitHubMetrics metrics;
    private final AsyncCache<Key, InstallationToken> cache;

    InstallationTokenService(
            GitHubClient github, Pool pool, Sealer sealer, Clock clock, GitHubConfig config, GitHubMetrics metrics) {
        this.github = github;
        this.pool = pool;
        this.sealer = sealer;
        this.clock = clock;
        this.config = config;
        this.metrics = metrics;
        this.cache = Caffeine.newBuilder().maximumSize(100_000).recordStats().buildAsync();
        CaffeineCacheMetrics.monitor(metrics.registry(), cache, "installation_tokens");
    }

    /**
     * A token for the installation with the narrowing, fresh for at least the refresh buffer. The
     * caller carries on on its own context even when it joined another caller's mint.
     */
    public Uni<InstallationToken> token(long installationId, TokenNarrowing narrowing) {
        return Contexts.onCallersContext(Uni.createFrom().completionStage(() -> tokenAsync(installationId, narrowing)));
    }

    /**
     * Makes a call with a token for the narrowing. A token GitHub refuses (401: revoked, or voided
     * before its time) is forgotten, here and in PostgreSQL, and the call is made once more with a
     * token minted anew; a second refusal is the caller's failure, as GitHub gave it.
     */
    public <T> Uni<T> withToken(
            long installationId, TokenNarrowing narrowing, Function<InstallationToken, Uni<T>> call) {
        return token(installationId, narrowing)
                .flatMap(token -> call.apply(token)
                        .onFailure(InstallationTokenService::refusesTheToken)
                        .recoverWithUni(refused -> {
                            Log.infof(
                                    "GitHub refused a token of installation %d (%s); minting a new one",
                                    installationId, narrowing);
                            return forget(new Key(installationId, narrowing), token)
                                    .flatMap(ignored -> token(installationId, narrowing))
                                    .flatMap(fresh -> call.apply(fresh));
                        }));
    }

    private static boolean refusesTheToken(Throwable e) {
        return e instanceof GitHubException g && g.error() == GitHubError.BAD_CREDENTIALS;
    }

    /** Forgets this token (and no newer one another caller may have put in its place meanwhile). */
    private Uni<Void> forget(Key key, InstallationToken refused) {
        CompletableFuture<InstallationToken> cached = cache.getIfPresent(key);
        if (cached != null
                && cached.isDone()
                && !cached.isCompletedExceptionally()
                && refused.equals(cached.getNow(null))) {
            cache.asMap().remove(key, cached);
        }
        return pool.preparedQuery("DELETE FROM installation_tokens WHERE installation_id = $1 AND narrowing = $2"
                        + " AND expires_at = $3")
                .execute(Tuple.of(key.installationId(), key.narrowing().key(), Timestamps.utc(refused.expiresAt())))
                .replaceWithVoid()
                .onFailure()
                .recoverWithNull();
    }

    /** The same as {@link #token}, as a future: the cache-hit path allocates nothing else. */
    public CompletableFuture<InstallationToken> tokenAsync(long installationId, TokenNarrowing narrowing) {
        Key key = new Key(installationId, narrowing);
        Instant freshUntil = clock.instant().plus(config.tokenRefreshBuffer());
        CompletableFuture<InstallationToken> cached = cache.getIfPresent(key);
        if (cached != null) {
            if (!cached.isDone()) {
                return cached; // a mint is in flight: join it
            }
            InstallationToken token = cached.getNow(null);
            if (token != null && token.freshAt(freshUntil)) {
                return cached;
            }
            cache.asMap().remove(key, cached); // only this stale entry, never a newer one
        }
        return cache.get(key, (k, executor) -> load(k, freshUntil).subscribeAsCompletionStage());
    }

    /** Forces the next request for this narrowing to mint anew (used by the refresher). */
    public void invalidate(long installationId, TokenNarrowing narrowing) {
        cache.synchronous().invalidate(new Key(installationId, narrowing));
    }

    /** Revokes the token in use for this narrowing at GitHub and forgets it here. */
    public Uni<Void> revoke(long installationId, TokenNarrowing narrowing) {
        Key key = new Key(installationId, narrowing);
        CompletableFuture<InstallationToken> cached = cache.getIfPresent(key);
        cache.synchronous().invalidate(key);
        Uni<Optional<InstallationToken>> current =
                cached != null && cached.isDone() && !cached.isCompletedExceptionally()
                        ? Uni.createFrom().item(Optional.ofNullable(cached.getNow(null)))
                        : loadStored(key);
        return current.flatMap(token -> token.isEmpty()
                        ? Uni.createFrom().voidItem()
                        : github.revokeInstallationToken(token.get())
                                .onFailure(GitHubException.class)
                                .recoverWithNull())
                .flatMap(ignored -> deleteStored(installationId, narrowing.key()));
    }

    /** Forgets every token of an installation (it was deleted or suspended); GitHub voids them itself. */
    public Uni<Void> forgetInstallation(long installationId) {
        cache.asMap().keySet().removeIf(k -> k.installationId() == installationId);
        return pool.preparedQuery("DELETE FROM installation_tokens WHERE installation_id = $1")
                .execute(Tuple.of(installationId))
                .replaceWithVoid();
    }

    private Uni<InstallationToken> load(Key key, Instant freshUntil) {
        return loadStored(key)
                .onFailure()
                .recoverWithItem(e -> {
                    Log.warnf("Stored tokens unavailable (%s); minting a new one", Redactor.describe(e));
                    return Optional.empty();
                })
                .flatMap(stored -> stored.filter(t -> t.freshAt(freshUntil))
                        .map(t -> Uni.createFrom().item(t))
                        .orElseGet(() -> mint(key)));
    }

    /**
     * A token of its own for one user, such as a session's pods: neither cached nor stored here, so
     * revoking it touches nobody else. The caller keeps it (sealed) and revokes it when done.
     */
    public Uni<InstallationToken> mintDedicated(long installationId, TokenNarrowing narrowing) {
        return mintAtGitHub(new Key(installationId, narrowing));
    }

    /**
     * Revokes a token this service minted. A token GitHub refuses (expired, already revoked, its
     * installation gone) is as good as revoked; only a GitHub that cannot answer fails this.
     */
    public Uni<Void> revokeToken(long installationId, String token) {
        return github.revokeInstallationToken(new InstallationToken(installationId, token, null))
                .onFailure(e -> e instanceof GitHubException g && !g.isRetryable())
                .recoverWithNull();
    }

    private Uni<InstallationToken> mint(Key key) {
        return mintAtGitHub(key)
                // Stored in the background: the callers need not wait for it, and losing it costs a mint.
                .invoke(token -> store(key, token)
                        .subscribe()
                        .with(
                                stored -> {},
                                e -> Log.warnf(
                                        "Could not store a minted token (%s); it stays in memory only",
                                        Redactor.describe(e))));
    }

    private Uni<InstallationToken> mintAtGitHub(Key key) {
        Timer.Sample sample = Timer.start(metrics.registry());
        AccessTokenRequest request = new AccessTokenRequest(
                key.narrowing().repositories(), key.narrowing().permissions());
        return github.createInstallationToken(key.installationId(), request)
                .map(answer -> new InstallationToken(key.installationId(), answer.token(), answer.expiresAt()))
                .onItemOrFailure()
                .invoke((token, failure) -> sample.stop(metrics.mint(failure == null)))
                .invoke(token -> Log.debugf("Minted %s narrowed to %s", token, key.narrowing()));
    }

    private Uni<Optional<InstallationToken>> loadStored(Key key) {
        return pool.preparedQuery("SELECT sealed_token, expires_at FROM installation_tokens"
                        + " WHERE installation_id = $1 AND narrowing = $2")
                .execute(Tuple.of(key.installationId(), key.narrowing().key()))
                .map(rows -> firstToken(key, rows));
    }

    private Optional<InstallationToken> firstToken(Key key, RowSet<Row> rows) {
        for (Row row : rows) {
            String token = sealer.open(row.getString("sealed_token"), PURPOSE, binding(key));
            return Optional.of(new InstallationToken(
                    key.installationId(),
                    token,
                    row.getOffsetDateTime("expires_at").toInstant()));
        }
        return Optional.empty();
    }

    /** Where a stored token lives: its row (installation and narrowing); no account owns it. */
    private static Sealer.Binding binding(Key key) {
        return new Sealer.Binding(key.installationId() + "/" + key.narrowing().key(), "");
    }

    private Uni<Void> store(Key key, InstallationToken token) {
        String sealed = sealer.seal(token.token(), PURPOSE, binding(key));
        return pool.preparedQuery("INSERT INTO installation_tokens"
                        + " (installation_id, narrowing, sealed_token, key_id, expires_at, minted_at)"
                        + " VALUES ($1, $2, $3, $4, $5, $6)"
                        + " ON CONFLICT (installation_id, narrowing) DO UPDATE SET sealed_token = excluded.sealed_token,"
                        + " key_id = excluded.key_id, expires_at = excluded.expires_at, minted_at = excluded.minted_at")
                .execute(Tuple.from(new Object[] {
                    key.installationId(),
                    key.narrowing().key(),
                    sealed,
                    Sealer.keyIdOf(sealed),
                    Timestamps.utc(token.expiresAt()),
                    Timestamps.utc(clock.instant())
                }))
                .replaceWithVoid();
    }

    private Uni<Void> deleteStored(long installationId, String narrowing) {
        return pool.preparedQuery("DELETE FROM installation_tokens WHERE installation_id = $1 AND narrowing = $2")
                .execute(Tuple.of(installationId, narrowing))
                .replaceWithVoid();
    }
}
