package dev.para.dispatch.metrics;

import dev.para.dispatch.ReplicaLease;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * Gauges of the whole cluster's state (counted in PostgreSQL), exported by one replica at a time:
 * the holder of a lease. The others export no such series, so {@code sum()} over replicas is the
 * cluster's figure; when the holder stops, the next replica to refresh takes the lease over.
 */
public final class ClusterGauges {

    private final MeterRegistry registry;
    private final ReplicaLease lease;
    private final String leaseName;
    private final Duration leaseDuration;
    private final List<Gauge.Builder<?>> gauges;
    private List<Meter> exported = List.of();

    /** {@code gauges} read the values the measure of {@link #refresh} sets. */
    public ClusterGauges(
            MeterRegistry registry,
            ReplicaLease lease,
            String leaseName,
            Duration leaseDuration,
            List<Gauge.Builder<?>> gauges) {
        this.registry = registry;
        this.lease = lease;
        this.leaseName = leaseName;
        this.leaseDuration = leaseDuration;
        this.gauges = gauges;
    }

    /** While this replica holds the lease: measures, then exports the gauges; otherwise withdraws them. */
    public Uni<Void> refresh(Supplier<Uni<Void>> measure) {
        return lease.hold(leaseName, leaseDuration)
                .flatMap(leading -> leading
                        ? measure.get().invoke(this::export)
                        : Uni.createFrom().voidItem().invoke(this::withdraw))
                .onFailure()
                .recoverWithNull()
                .replaceWithVoid();
    }

    private synchronized void export() {
        if (exported.isEmpty()) {
            exported = gauges.stream()
                    .<Meter>map(gauge -> gauge.register(registry))
                    .toList();
        }
    }

    private synchronized void withdraw() {
        exported.forEach(registry::remove);
        exported = List.of();
    }
}
