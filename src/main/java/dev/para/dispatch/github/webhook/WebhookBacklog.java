package dev.para.dispatch.github.webhook;

import dev.para.dispatch.ReplicaLease;
import dev.para.dispatch.metrics.ClusterGauges;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The deliveries stored but not yet processed, across all replicas (read through the partial index
 * of pending deliveries every 15 seconds): how many, and how long the oldest has waited. Exported by
 * one replica at a time, the holder of the {@code webhook-gauges} lease.
 */
@ApplicationScoped
public class WebhookBacklog {

    static final String LEASE = "webhook-gauges";

    private final Pool pool;
    private final AtomicLong pending = new AtomicLong();
    private final AtomicLong oldestSeconds = new AtomicLong();
    private final ClusterGauges gauges;

    WebhookBacklog(Pool pool, MeterRegistry registry, ReplicaLease lease) {
        this.pool = pool;
        this.gauges = new ClusterGauges(
                registry,
                lease,
                LEASE,
                Duration.ofSeconds(45),
                List.of(
                        Gauge.builder("para.webhook.backlog", pending, AtomicLong::get)
                                .description("Deliveries stored and not yet processed (exported by one replica)"),
                        Gauge.builder("para.webhook.backlog.oldest", oldestSeconds, AtomicLong::get)
                                .baseUnit("seconds")
                                .description(
                                        "How long the oldest unprocessed delivery has waited (exported by one replica)")));
    }

    @Scheduled(every = "15s", delayed = "3s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> refresh() {
        return gauges.refresh(() -> pool.query("SELECT count(*) AS n,"
                        + " coalesce(extract(epoch FROM now() - min(received_at)), 0)::bigint AS oldest"
                        + " FROM webhook_processing WHERE processed_at IS NULL")
                .execute()
                .invoke(rows -> {
                    Row row = rows.iterator().next();
                    pending.set(row.getLong("n"));
                    oldestSeconds.set(row.getLong("oldest"));
                })
                .replaceWithVoid());
    }
}
