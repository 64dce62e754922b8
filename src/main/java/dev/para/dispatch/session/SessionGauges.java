package dev.para.dispatch.session;

import dev.para.dispatch.ReplicaLease;
import dev.para.dispatch.metrics.ClusterGauges;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
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

    private final SessionRepository repository;
    private final Map<SessionState, AtomicLong> sessions = new EnumMap<>(SessionState.class);
    private final Map<InstanceState, AtomicLong> instances = new EnumMap<>(InstanceState.class);
    private final ClusterGauges gauges;

    @Inject
    SessionGauges(SessionRepository repository, MeterRegistry registry, ReplicaLease lease) {
        this(repository, registry, lease, LEASE, LEASE_DURATION);
    }

    /** Gauges led by a lease of another name or duration (tests play replicas with these). */
    SessionGauges(
            SessionRepository repository,
            MeterRegistry registry,
            ReplicaLease lease,
            String leaseName,
            Duration leaseDuration) {
        this.repository = repository;
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
        return repository
                .liveCounts()
                .invoke(counts -> {
                    sessions.forEach(
                            (state, value) -> value.set(counts.sessions().getOrDefault(state, 0L)));
                    instances.forEach(
                            (state, value) -> value.set(counts.instances().getOrDefault(state, 0L)));
                })
                .replaceWithVoid();
    }
}
