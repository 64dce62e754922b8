package dev.para.dispatch.session;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Gauges of the work in flight: sessions queued and running, instances pending and running,
 * across all replicas (read from PostgreSQL, refreshed every 15 seconds). Ended sessions are
 * counted by {@code para.session.transitions} instead.
 */
@ApplicationScoped
public class SessionGauges {

    private final Pool pool;
    private final Map<SessionState, AtomicLong> sessions = new EnumMap<>(SessionState.class);
    private final Map<InstanceState, AtomicLong> instances = new EnumMap<>(InstanceState.class);

    SessionGauges(Pool pool, MeterRegistry registry) {
        this.pool = pool;
        for (SessionState state : new SessionState[] {SessionState.QUEUED, SessionState.RUNNING}) {
            AtomicLong value = new AtomicLong();
            sessions.put(state, value);
            Gauge.builder("para.sessions", value, AtomicLong::get).description("Sessions not yet ended, by state")
                    .tag("state", state.name().toLowerCase(Locale.ROOT)).register(registry);
        }
        for (InstanceState state : new InstanceState[] {InstanceState.PENDING, InstanceState.RUNNING}) {
            AtomicLong value = new AtomicLong();
            instances.put(state, value);
            Gauge.builder("para.session.instances", value, AtomicLong::get).description("Instances in flight, by state")
                    .tag("state", state.name().toLowerCase(Locale.ROOT)).register(registry);
        }
    }

    @Scheduled(every = "15s", delayed = "2s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> refresh() {
        return pool.query("SELECT 's' AS kind, state, count(*) AS n FROM sessions WHERE state IN ('QUEUED', 'RUNNING')"
                        + " GROUP BY state UNION ALL SELECT 'i', state, count(*) FROM session_instances"
                        + " WHERE state IN ('PENDING', 'RUNNING') GROUP BY state").execute()
                .invoke(rows -> {
                    sessions.values().forEach(v -> v.set(0));
                    instances.values().forEach(v -> v.set(0));
                    for (Row row : rows) {
                        if ("s".equals(row.getString("kind"))) {
                            sessions.get(SessionState.valueOf(row.getString("state"))).set(row.getLong("n"));
                        } else {
                            instances.get(InstanceState.valueOf(row.getString("state"))).set(row.getLong("n"));
                        }
                    }
                })
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }
}
