package dev.para.dispatch;

import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.UUID;

/**
 * Leases in PostgreSQL for work one replica does for all: exporting cluster-wide gauges, purging
 * old rows. A replica holds a lease while it renews it within its duration; a lease not renewed
 * (its holder stopped or lost the database) is taken by the next replica that asks.
 */
@Singleton
public class ReplicaLease {

    private static final String TAKE = "INSERT INTO replica_leases (name, holder, expires_at)"
            + " VALUES ($1, $2, now() + make_interval(secs => $3))"
            + " ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at"
            + " WHERE replica_leases.holder = excluded.holder OR replica_leases.expires_at < now()"
            + " RETURNING holder";

    private final Pool pool;
    /** This process: a replica restarted is another holder, and waits for its old lease to expire. */
    private final String replica;

    @Inject
    ReplicaLease(Pool pool) {
        this(pool, UUID.randomUUID().toString());
    }

    /** A lease holder named {@code replica} (tests play two replicas with two of these). */
    public ReplicaLease(Pool pool, String replica) {
        this.pool = pool;
        this.replica = replica;
    }

    /**
     * Gives up this replica's leases as it stops, so that another takes them over at once rather
     * than when they expire. Shutdown observers run on the main thread, never on an event loop.
     */
    void release(@Observes ShutdownEvent stopping) {
        try {
            pool.preparedQuery("DELETE FROM replica_leases WHERE holder = $1")
                    .execute(Tuple.of(replica))
                    .await()
                    .atMost(Duration.ofSeconds(2));
        } catch (RuntimeException e) {
            Log.debugf("Leases not released (%s); they expire", Redactor.describe(e));
        }
    }

    /** Takes or renews the lease for {@code duration}; whether this replica holds it now. */
    public Uni<Boolean> hold(String name, Duration duration) {
        return pool.preparedQuery(TAKE)
                .execute(Tuple.of(name, replica, duration.toMillis() / 1000.0))
                .map(rows -> rows.size() == 1);
    }
}
