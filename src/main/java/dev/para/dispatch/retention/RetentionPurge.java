package dev.para.dispatch.retention;

import dev.para.dispatch.Redactor;
import dev.para.dispatch.ReplicaLease;
import dev.para.dispatch.github.GitHubConfig;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;

/**
 * Deletes what is past its retention: processed webhook deliveries, the events of ended sessions,
 * ended sessions themselves (their instances and events with them), audit events and expired
 * stored tokens. Each table in batches of {@code para.retention.batch-size} rows, one statement
 * (and transaction) per batch, until none is left; on one replica at a time.
 */
@ApplicationScoped
public class RetentionPurge {

    static final String LEASE = "retention";

    /** A table's purge: deletes at most $2 rows older than $1 seconds; answers the rows deleted. */
    record Purge(String table, String sql, Duration retention) {}

    private final Pool pool;
    private final ReplicaLease lease;
    private final RetentionConfig config;
    private final List<Purge> purges;

    RetentionPurge(Pool pool, ReplicaLease lease, RetentionConfig config, GitHubConfig github) {
        this.pool = pool;
        this.lease = lease;
        this.config = config;
        this.purges = List.of(
                new Purge(
                        "webhook_deliveries",
                        "WITH old AS (DELETE FROM webhook_processing WHERE ctid IN ("
                                + " SELECT ctid FROM webhook_processing WHERE received_at < now() - make_interval(secs => $1)"
                                + " AND processed_at IS NOT NULL LIMIT $2) RETURNING delivery_id)"
                                + " DELETE FROM webhook_deliveries WHERE delivery_id IN (SELECT delivery_id FROM old)",
                        github.webhook().retention()),
                new Purge(
                        "session_events",
                        "DELETE FROM session_events WHERE ctid IN (SELECT e.ctid FROM sessions s"
                                + " JOIN session_events e ON e.session_id = s.id"
                                + " WHERE s.finished_at < now() - make_interval(secs => $1) LIMIT $2)",
                        config.sessionEvents()),
                new Purge(
                        "sessions",
                        "DELETE FROM sessions WHERE id IN (SELECT id FROM sessions"
                                + " WHERE finished_at < now() - make_interval(secs => $1) LIMIT $2)",
                        config.sessions()),
                new Purge(
                        "audit_events",
                        "DELETE FROM audit_events WHERE ctid IN (SELECT ctid FROM audit_events"
                                + " WHERE occurred_at < now() - make_interval(secs => $1) LIMIT $2)",
                        config.auditEvents()),
                new Purge(
                        "installation_tokens",
                        "DELETE FROM installation_tokens WHERE ctid IN (SELECT ctid"
                                + " FROM installation_tokens WHERE expires_at < now() - make_interval(secs => $1) LIMIT $2)",
                        config.expiredTokens()),
                // flows a browser started and never finished: nothing to keep once they expired
                new Purge(
                        "browser_states",
                        "DELETE FROM browser_states WHERE ctid IN (SELECT ctid"
                                + " FROM browser_states WHERE expires_at < now() - make_interval(secs => $1) LIMIT $2)",
                        java.time.Duration.ZERO));
    }

    @Scheduled(
            every = "${para.retention.interval}",
            delayed = "${para.retention.interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        // The lease outlives a run, so one replica purges; a run never overlaps the next one's lease.
        return lease.hold(LEASE, config.interval().plusMinutes(1))
                .flatMap(leading -> leading ? purge() : Uni.createFrom().voidItem())
                .onFailure()
                .invoke(e -> Log.warnf(
                        "Retention purge failed: %s; it runs again in %s", Redactor.describe(e), config.interval()))
                .onFailure()
                .recoverWithNull();
    }

    /** Purges every table, one after the other. */
    public Uni<Void> purge() {
        return Multi.createFrom()
                .iterable(purges)
                .onItem()
                .transformToUniAndConcatenate(this::purge)
                .collect()
                .last()
                .replaceWithVoid();
    }

    private Uni<Long> purge(Purge purge) {
        return Uni.createFrom()
                .deferred(() -> pool.preparedQuery(purge.sql())
                        .execute(Tuple.of((double) purge.retention().toSeconds(), config.batchSize()))
                        .map(rows -> (long) rows.rowCount()))
                .repeat()
                .whilst(deleted -> deleted == config.batchSize())
                .collect()
                .with(java.util.stream.Collectors.summingLong(Long::longValue))
                .invoke(deleted -> {
                    if (deleted > 0) {
                        Log.infof(
                                "Purged %d row(s) of %s older than its retention (%s)",
                                deleted, purge.table(), purge.retention());
                    }
                });
    }
}
