package dev.para.dispatch.session;

import dev.para.dispatch.ReplicaLease;
import dev.para.dispatch.metrics.ClusterGauges;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Gauges of the work in flight: sessions queued and running, instances pending and running,
 * across all replicas (read from PostgreSQL, refreshed every 15 seconds). Exported by one replica
 * at a time, the holder of the {@code session-gauges} lease, so that {@code sum()} over replicas is
 * the cluster's figure; the others export no such series. Ended sessions are counted by
 * {@code para.session.transitions} instead.
 */
@ApplicationScoped
public class SessionGauges {

    static final String LEASE = "session-gauges";
    /** Three refreshes: a leader that stops is replaced within 45 seconds. */
    static final Duration LEASE_DURATION = Duration.ofSeconds(45);

    private final Pool pool;
    private final Map<SessionState, AtomicLong> sessions = new EnumMap<>(SessionState.class);
    private final Map<InstanceState, AtomicLong> instances = new EnumMap<>(InstanceState.class);
    private final ClusterGauges gauges;

    @Inject
    SessionGauges(Pool pool, MeterRegistry registry, ReplicaLease lease) {
        this(pool, registry, lease, LEASE, LEASE_DURATION);
    }

    /** Gauges led by a lease of another name or duration (tests play replicas with these). */
    SessionGauges(Pool pool, MeterRegistry registry, ReplicaLease lease, String leaseName, Duration leaseDuration) {
        this.pool = pool;
        List<Gauge.Builder<?>> builders = new ArrayList<>();
        for (SessionState state : new SessionState[] {SessionState.QUEUED, SessionState.RUNNING}) {
            AtomicLong value = new AtomicLong();
            sessions.put(state, value);
            builders.add(Gauge.builder("para.sessions", value, AtomicLong::get)
                    .description("Sessions not yet ended, by state (exported by one replica)")
                    .tag("state", state.name().toLowerCase(Locale.ROOT)));
        }
        for (InstanceState state : new InstanceState[] {InstanceState.PENDING, InstanceState.RUNNING}) {
            AtomicLong value = new AtomicLong();
            instances.put(state, value);
            builders.add(Gauge.builder("para.session.instances", value, AtomicLong::get)
                    .description("Instances in flight, by state (exported by one replica)")
                    .tag("state", state.name().toLowerCase(Locale.ROOT)));
        }
        this.gauges = new ClusterGauges(registry, lease, leaseName, leaseDuration, builders);
    }

    @Scheduled(every = "15s", delayed = "2s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> refresh() {
        return gauges.refresh(this::count);
    }

    private Uni<Void> count() {
        return pool.query("SELECT 's' AS kind, state, count(*) AS n FROM sessions WHERE state IN ('QUEUED', 'RUNNING')"
                        + " GROUP BY state UNION ALL SELECT 'i', state, count(*) FROM session_instances"
                        + " WHERE state IN ('PENDING', 'RUNNING') GROUP BY state")
                .execute()
                .invoke(rows -> {
                    sessions.values().forEach(v -> v.set(0));
                    instances.values().forEach(v -> v.set(0));
                    for (Row row : rows) {
                        if ("s".equals(row.getString("kind"))) {
                            sessions.get(SessionState.valueOf(row.getString("state")))
                                    .set(row.getLong("n"));
                        } else {
                            instances
                                    .get(InstanceState.valueOf(row.getString("state")))
                                    .set(row.getLong("n"));
                        }
                    }
                })
                .replaceWithVoid();
    }
}
