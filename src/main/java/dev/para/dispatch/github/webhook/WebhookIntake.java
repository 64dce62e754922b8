package dev.para.dispatch.github.webhook;

import dev.para.dispatch.github.GitHubConfig;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stores deliveries durably before they are acknowledged, with group commit: deliveries that
 * arrive while an insert is in flight wait in a queue and go into the next statement together,
 * one multi-row {@code INSERT … ON CONFLICT DO NOTHING} and one commit for all of them. Under light
 * load a delivery is inserted at once (no timer, no added latency); under heavy load batches grow
 * by themselves. A delivery id seen before (a redelivery) is reported as a duplicate.
 *
 * <p>A delivery no handler takes is recorded without its payload unless
 * {@code para.github.webhook.keep-ignored-payloads} is set: nothing would ever read it, and it
 * holds other people's code and comments.
 */
@Singleton
public class WebhookIntake {

    /**
     * Stores the deliveries and their processing rows in one statement. A delivery that no handler
     * takes is recorded as done right here ({@code $4} outcome, {@code $5} action), so it costs no
     * processing and no second write.
     */
    private static final String INSERT = "WITH stored AS ("
            + " INSERT INTO webhook_deliveries (delivery_id, event, payload_lz4)"
            + " SELECT * FROM unnest($1::text[], $2::text[], $3::bytea[])"
            + " ON CONFLICT (delivery_id) DO NOTHING RETURNING delivery_id, received_at)"
            + " INSERT INTO webhook_processing (delivery_id, received_at, processed_at, outcome, action)"
            + " SELECT s.delivery_id, s.received_at, CASE WHEN u.outcome IS NULL THEN NULL ELSE s.received_at END,"
            + " u.outcome, u.action"
            + " FROM stored s JOIN unnest($1::text[], $4::text[], $5::text[]) AS u(delivery_id, outcome, action)"
            + " USING (delivery_id)"
            + " RETURNING delivery_id";

    /**
     * A delivery waiting for its batch; completes with true when stored, false for a redelivery.
     * {@code outcome} is null for a delivery to be processed; otherwise it is recorded done as it is
     * stored, with that outcome, and needs neither its payload nor, unless it is kept, the compressed one.
     */
    private record Pending(
            String deliveryId,
            String event,
            byte[] payload,
            byte[] compressed,
            String outcome,
            String action,
            CompletableFuture<Boolean> stored) {

        boolean process() {
            return outcome == null;
        }
    }

    private final Pool pool;
    private final WebhookProcessor processor;
    private final int batchSize;
    private final int maxInFlight;
    private final boolean keepIgnoredPayloads;
    private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inFlight = new AtomicInteger();

    WebhookIntake(Pool pool, WebhookProcessor processor, GitHubConfig config) {
        this.pool = pool;
        this.processor = processor;
        this.batchSize = config.webhook().batchSize();
        this.maxInFlight = config.webhook().maxInFlightBatches();
        this.keepIgnoredPayloads = config.webhook().keepIgnoredPayloads();
    }

    /**
     * Stores the delivery. Completes with true once it is committed, false if this delivery id was
     * stored before (a redelivery); completes on a PostgreSQL thread.
     */
    public CompletableFuture<Boolean> store(String deliveryId, String event, byte[] payload) {
        CompletableFuture<Boolean> stored = new CompletableFuture<>();
        // looked at and compressed here, on the caller's event loop, so the work spreads over all of them
        boolean process = processor.wants(event, payload);
        byte[] compressed = process || keepIgnoredPayloads ? PayloadCodec.compress(payload) : null;
        queue.add(
                process
                        ? new Pending(deliveryId, event, payload, compressed, null, null, stored)
                        : new Pending(
                                deliveryId,
                                event,
                                null,
                                compressed,
                                WebhookProcessor.outcomeUnprocessed(event),
                                PayloadPeek.action(payload),
                                stored));
        drain();
        return stored;
    }

    private void drain() {
        while (!queue.isEmpty()) {
            int running = inFlight.get();
            if (running >= maxInFlight) {
                return; // the batch in flight drains the queue when it completes
            }
            if (!inFlight.compareAndSet(running, running + 1)) {
                continue;
            }
            List<Pending> batch = new ArrayList<>(Math.min(batchSize, 64));
            for (Pending p; batch.size() < batchSize && (p = queue.poll()) != null; ) {
                batch.add(p);
            }
            if (batch.isEmpty()) {
                inFlight.decrementAndGet();
                continue;
            }
            insert(batch);
        }
    }

    private void insert(List<Pending> all) {
        // the same id twice in one batch: the later one is a redelivery of the earlier
        Set<String> seen = new HashSet<>(all.size() * 2);
        List<Pending> batch = new ArrayList<>(all.size());
        for (Pending p : all) {
            if (seen.add(p.deliveryId())) {
                batch.add(p);
            } else {
                p.stored().complete(false);
            }
        }
        insert(batch, 1);
    }

    /** Inserts the batch; a deadlock or serialization failure (nothing was written) is tried again once. */
    private void insert(List<Pending> batch, int attempt) {
        // Rows are inserted, and their keys locked, in one order by every batch: two batches in flight
        // holding the same redelivered ids never wait for each other in a cycle. (The deliveries are
        // still handed over for processing in the order they came.)
        List<Pending> byId = new ArrayList<>(batch);
        byId.sort(java.util.Comparator.comparing(Pending::deliveryId));
        int n = byId.size();
        String[] ids = new String[n];
        String[] events = new String[n];
        Buffer[] payloads = new Buffer[n];
        String[] outcomes = new String[n];
        String[] actions = new String[n];
        for (int i = 0; i < n; i++) {
            Pending p = byId.get(i);
            ids[i] = p.deliveryId();
            events[i] = p.event();
            payloads[i] = p.compressed() == null ? null : Buffer.buffer(p.compressed());
            outcomes[i] = p.outcome();
            actions[i] = p.action();
        }
        pool.preparedQuery(INSERT)
                .execute(Tuple.from(new Object[] {ids, events, payloads, outcomes, actions}))
                .subscribe()
                .with(
                        rows -> {
                            Set<String> inserted = new HashSet<>(rows.size() * 2);
                            for (Row row : rows) {
                                inserted.add(row.getString(0));
                            }
                            finish();
                            List<WebhookProcessor.Delivery> fresh = new ArrayList<>(inserted.size());
                            for (Pending p : batch) {
                                boolean isNew = inserted.contains(p.deliveryId());
                                if (isNew && p.process()) {
                                    fresh.add(new WebhookProcessor.Delivery(p.deliveryId(), p.event(), p.payload(), 1));
                                } else if (isNew) {
                                    processor.countUnprocessed(p.event());
                                }
                                p.stored().complete(isNew);
                            }
                            processor.accept(fresh);
                        },
                        failure -> {
                            if (attempt == 1
                                    && failure instanceof PgException pg
                                    && ("40P01".equals(pg.getSqlState()) || "40001".equals(pg.getSqlState()))) {
                                insert(batch, 2);
                                return;
                            }
                            finish();
                            for (Pending p : batch) {
                                p.stored().completeExceptionally(failure);
                            }
                        });
    }

    private void finish() {
        inFlight.decrementAndGet();
        drain();
    }
}
