package dev.para.dispatch.github.webhook;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.para.dispatch.Contexts;
import dev.para.dispatch.LogFields;
import dev.para.dispatch.Redactor;
import dev.para.dispatch.api.ProblemException;
import dev.para.dispatch.github.GitHubConfig;
import dev.para.dispatch.github.GitHubException;
import dev.para.dispatch.work.Backoff;
import dev.para.dispatch.work.LeasedBatchWork;
import dev.para.dispatch.work.LeasedWorkRunner;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.vertx.ConsumeEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.core.eventbus.EventBus;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Processes stored deliveries after GitHub has its answer.
 *
 * <p>The replica that stored a delivery hands it over in memory and processes it at once; nothing
 * is read back. Whatever that misses — the replica died, the in-memory queue was full, processing
 * failed — is still unprocessed in PostgreSQL, where a periodic sweep on any replica claims it
 * ({@code FOR UPDATE SKIP LOCKED}, leased for a while) once it is older than the lease. Handlers
 * are idempotent, so the rare delivery processed twice after a crash does no harm.
 *
 * <p>Over 300 lines: the in-memory hand-over, the batch path and the sweep share one order and
 * one failure record per delivery. The sweep is batch work on the shared runner
 * ({@code LeasedWorkRunner.runBatches}): one transaction of set-based writes per batch, not one per
 * item; a failed delivery backs off with the shared {@code work.Backoff}.
 */
@ApplicationScoped
public class WebhookProcessor implements LeasedBatchWork<WebhookProcessor.Delivery> {

    static final String ADDRESS = "para.webhook.process";
    /** A stored delivery to process; {@code attempt} counts from 1. */
    public record Delivery(String deliveryId, String event, byte[] payload, int attempt) {}

    private record Result(String deliveryId, String outcome, String action, Long installationId) {}

    private static final String CLAIM = "WITH claimed AS (UPDATE webhook_processing p"
            + " SET attempts = p.attempts + 1, locked_until = now() + make_interval(secs => $2)"
            + " WHERE p.delivery_id IN (SELECT delivery_id FROM webhook_processing"
            + "   WHERE processed_at IS NULL AND received_at < now() - make_interval(secs => $2)"
            + "   AND (locked_until IS NULL OR locked_until < now())"
            + "   ORDER BY received_at LIMIT $1 FOR UPDATE SKIP LOCKED)"
            + " RETURNING p.delivery_id, p.attempts, p.received_at)"
            + " SELECT c.delivery_id, d.event, d.payload_lz4, d.payload_deflated, c.attempts, c.received_at"
            + " FROM claimed c JOIN webhook_deliveries d USING (delivery_id)";
    /** Claims deliveries of this replica that overflowed the in-memory queue, by id (no wait for the lease). */
    private static final String CLAIM_IDS = "WITH claimed AS (UPDATE webhook_processing p"
            + " SET attempts = p.attempts + 1, locked_until = now() + make_interval(secs => $2)"
            + " WHERE p.delivery_id IN (SELECT delivery_id FROM webhook_processing"
            + "   WHERE delivery_id = ANY($1) AND processed_at IS NULL AND (locked_until IS NULL OR locked_until < now())"
            + "   ORDER BY delivery_id FOR UPDATE SKIP LOCKED)"
            + " RETURNING p.delivery_id, p.attempts, p.received_at)"
            + " SELECT c.delivery_id, d.event, d.payload_lz4, d.payload_deflated, c.attempts, c.received_at"
            + " FROM claimed c JOIN webhook_deliveries d USING (delivery_id)";

    private static final String DONE = "UPDATE webhook_processing p SET processed_at = now(), outcome = u.outcome,"
            + " action = u.action, installation_id = u.installation_id, locked_until = NULL, last_error = NULL"
            + " FROM unnest($1::text[], $2::text[], $3::text[], $4::int8[]) AS u(delivery_id, outcome, action, installation_id)"
            + " WHERE p.delivery_id = u.delivery_id";
    /** Typed casts: in {@code $5 >= $4} alone PostgreSQL would take both for text, and refuse to prepare it. */
    private static final String FAILED = "UPDATE webhook_processing SET attempts = $5::int4, last_error = $2,"
            + " locked_until = now() + make_interval(secs => $3::float8),"
            + " processed_at = CASE WHEN $5::int4 >= $4::int4 THEN now() END,"
            + " outcome = CASE WHEN $5::int4 >= $4::int4 THEN 'failed' END"
            + " WHERE delivery_id = $1";

    private final Pool pool;
    private final io.vertx.core.Vertx vertx;
    private final EventBus bus;
    private final ObjectMapper json;
    private final GitHubConfig.Webhook config;
    private final WebhookMetrics metrics;
    private final LeasedWorkRunner runner;
    private final Map<String, WebhookHandler> handlers = new HashMap<>();
    private final ConcurrentLinkedQueue<Delivery> fresh = new ConcurrentLinkedQueue<>();
    private final AtomicInteger freshCount = new AtomicInteger();
    /** Ids of deliveries stored here that did not fit {@link #fresh}: read back when it has room. */
    private final ConcurrentLinkedQueue<String> overflow = new ConcurrentLinkedQueue<>();

    private final AtomicInteger overflowCount = new AtomicInteger();
    private final AtomicBoolean signalled = new AtomicBoolean();
    private final AtomicBoolean draining = new AtomicBoolean();

    WebhookProcessor(
            Pool pool,
            io.vertx.core.Vertx vertx,
            EventBus bus,
            ObjectMapper json,
            GitHubConfig config,
            WebhookMetrics metrics,
            LeasedWorkRunner runner,
            Instance<WebhookHandler> handlers) {
        this.pool = pool;
        this.vertx = vertx;
        this.bus = bus;
        this.json = json;
        this.config = config.webhook();
        this.metrics = metrics;
        this.runner = runner;
        for (WebhookHandler handler : handlers) {
            handler.events().forEach(event -> {
                WebhookHandler other = this.handlers.putIfAbsent(event, handler);
                if (other != null) {
                    // one would silently win over the other: refuse to start instead
                    throw new IllegalStateException("Two webhook handlers take '" + event + "': "
                            + other.getClass().getName() + " and "
                            + handler.getClass().getName());
                }
            });
        }
    }

    /**
     * Takes freshly stored deliveries. Beyond the queue's capacity only their ids are kept (ten
     * times as many), and the deliveries are read back once the queue has room; beyond that they
     * are left to the sweep.
     */
    void accept(List<Delivery> deliveries) {
        for (Delivery delivery : deliveries) {
            // once some have overflowed, later ones queue behind them: one installation's stay in order
            if (overflowCount.get() == 0) {
                if (freshCount.incrementAndGet() <= config.queueCapacity()) {
                    fresh.add(delivery);
                    continue;
                }
                freshCount.decrementAndGet();
            }
            if (overflowCount.incrementAndGet() <= 10 * config.queueCapacity()) {
                overflow.add(delivery.deliveryId());
            } else {
                overflowCount.decrementAndGet();
            }
        }
        if (!deliveries.isEmpty()) {
            signal();
        }
    }

    /**
     * Asks for a drain after the configured delay: deliveries that arrive meanwhile join the same
     * batch, so under load one statement marks hundreds of them processed.
     */
    private void signal() {
        if (signalled.compareAndSet(false, true)) {
            long delay = config.processDelay().toMillis();
            if (delay > 0) {
                vertx.setTimer(delay, id -> bus.send(ADDRESS, ""));
            } else {
                bus.send(ADDRESS, "");
            }
        }
    }

    @ConsumeEvent(ADDRESS)
    Uni<Void> onSignal(String ignored) {
        signalled.set(false);
        if (!draining.compareAndSet(false, true)) {
            return Uni.createFrom().voidItem(); // the running drain empties the queue
        }
        return drainFresh()
                .eventually(() -> {
                    draining.set(false);
                    if (!fresh.isEmpty() || !overflow.isEmpty()) {
                        signal(); // arrived after the last poll
                    }
                })
                .onFailure()
                .invoke(e ->
                        Log.warnf("Processing deliveries failed: %s; the sweep retries them", Redactor.describe(e)))
                .onFailure()
                .recoverWithNull();
    }

    /**
     * Processes queued batches one after the other (a repeat, not a recursion: nothing piles up),
     * then the deliveries that overflowed the queue.
     */
    private Uni<Void> drainFresh() {
        return Uni.createFrom()
                .deferred(() -> {
                    List<Delivery> batch = new ArrayList<>(config.processBatchSize());
                    for (Delivery d; batch.size() < config.processBatchSize() && (d = fresh.poll()) != null; ) {
                        freshCount.decrementAndGet();
                        batch.add(d);
                    }
                    if (!batch.isEmpty()) {
                        return process(batch).replaceWith(batch.size());
                    }
                    List<String> ids = new ArrayList<>(config.processBatchSize());
                    for (String id; ids.size() < config.processBatchSize() && (id = overflow.poll()) != null; ) {
                        overflowCount.decrementAndGet();
                        ids.add(id);
                    }
                    return ids.isEmpty()
                            ? Uni.createFrom().item(0)
                            : claim(ids).flatMap(claimed -> process(claimed)).replaceWith(ids.size());
                })
                .repeat()
                .until(processed -> processed == 0)
                .collect()
                .last()
                .replaceWithVoid();
    }

    /** Claims what the in-memory path missed, in batches, until none is left (old rows: RetentionPurge). */
    @Scheduled(
            every = "${para.github.webhook.sweep-interval}",
            delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sweep() {
        return runner.runBatches(this).replaceWithVoid();
    }

    @Override
    public String kind() {
        return "webhook-sweep";
    }

    @Override
    public int batchSize() {
        return config.processBatchSize();
    }

    /** Deliveries older than the lease that nobody holds, oldest first (GitHub's order). */
    @Override
    public Uni<List<Delivery>> claimBatch() {
        return pool.preparedQuery(CLAIM)
                .execute(Tuple.of(
                        config.processBatchSize(), (double) config.lease().toSeconds()))
                .map(rows -> claimed(rows, java.util.Comparator.comparing(Claimed::receivedAt)));
    }

    @Override
    public Uni<Void> processBatch(List<Delivery> batch) {
        return process(batch);
    }

    /** The deliveries with these ids that nobody else holds, in the order of the ids (the order they came). */
    private Uni<List<Delivery>> claim(List<String> ids) {
        Map<String, Integer> order = new HashMap<>(ids.size() * 2);
        ids.forEach(id -> order.put(id, order.size()));
        return pool.preparedQuery(CLAIM_IDS)
                .execute(Tuple.of(
                        ids.toArray(String[]::new), (double) config.lease().toSeconds()))
                .map(rows -> claimed(
                        rows,
                        java.util.Comparator.comparing(
                                c -> order.get(c.delivery().deliveryId()))));
    }

    private record Claimed(Delivery delivery, java.time.OffsetDateTime receivedAt) {}

    /** RETURNING has no order; GitHub's order matters for one installation's events. */
    private static List<Delivery> claimed(RowSet<Row> rows, java.util.Comparator<Claimed> order) {
        List<Claimed> claimed = new ArrayList<>(rows.size());
        for (Row row : rows) {
            claimed.add(new Claimed(
                    new Delivery(
                            row.getString("delivery_id"),
                            row.getString("event"),
                            payloadOf(row),
                            row.getInteger("attempts")),
                    row.getOffsetDateTime("received_at")));
        }
        claimed.sort(order);
        return claimed.stream().map(Claimed::delivery).toList();
    }

    /**
     * The stored payload, LZ4 or (written before LZ4) DEFLATE; null when it cannot be read, so
     * that one damaged row is recorded malformed instead of failing every sweep after it.
     */
    private static byte[] payloadOf(Row row) {
        var lz4 = row.getBuffer("payload_lz4");
        var deflated = row.getBuffer("payload_deflated");
        try {
            if (lz4 != null) {
                return PayloadCodec.decompress(lz4.getBytes());
            }
            if (deflated != null) {
                return PayloadCodec.inflate(deflated.getBytes());
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        String deliveryId = row.getString("delivery_id");
        try (LogFields ignored = LogFields.delivery(deliveryId)) {
            Log.warnf("Delivery %s has a payload that cannot be read; recorded as malformed", deliveryId);
        }
        return null;
    }

    /**
     * Whether the delivery needs processing: some handler takes its event and, at a cheap look at
     * the raw payload, wants it. Any other delivery is recorded done at intake (no parse, no
     * second write).
     */
    boolean wants(String event, byte[] payload) {
        WebhookHandler handler = handlers.get(event);
        return handler != null && handler.wants(event, payload);
    }

    /** What a delivery that needs no processing is recorded as: a ping is answered, anything else ignored. */
    static String outcomeUnprocessed(String event) {
        return "ping".equals(event) ? "processed" : "ignored";
    }

    void countUnprocessed(String event) {
        count(event, outcomeUnprocessed(event));
    }

    /**
     * Processes a batch. Parsing and folding hundreds of payloads is CPU work of milliseconds: it
     * runs on a worker thread, so the event loops go on answering deliveries meanwhile.
     */
    private Uni<Void> process(List<Delivery> batch) {
        List<Result> results = new ArrayList<>(batch.size());
        return Uni.createFrom()
                .item(() -> byInstallation(parse(batch, results)))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .flatMap(groups -> inBatches(groups, results))
                .flatMap(oneByOne -> Multi.createFrom()
                        .iterable(oneByOne)
                        .onItem()
                        .transformToUni(deliveries -> Contexts.onOwnContext(() -> inOrder(deliveries)))
                        .merge(config.processConcurrency())
                        .invoke(done -> results.addAll(done))
                        .collect()
                        .last())
                .flatMap(ignored -> markDone(results));
    }

    /** The deliveries a handler takes, parsed; the others go straight into {@code results}. */
    private List<Parsed> parse(List<Delivery> batch, List<Result> results) {
        List<Parsed> handled = new ArrayList<>(batch.size());
        for (Delivery delivery : batch) {
            if (delivery.payload() == null) {
                count(delivery.event(), "malformed");
                results.add(new Result(delivery.deliveryId(), "malformed", null, null));
            } else if (!wants(delivery.event(), delivery.payload())) {
                // stored before its handler was gone (an older version): nothing to do, not even a parse
                countUnprocessed(delivery.event());
                results.add(new Result(
                        delivery.deliveryId(),
                        outcomeUnprocessed(delivery.event()),
                        PayloadPeek.action(delivery.payload()),
                        null));
            } else {
                try {
                    handled.add(new Parsed(
                            delivery,
                            handlers.get(delivery.event()),
                            new WebhookEvent(
                                    delivery.deliveryId(), delivery.event(), json.readTree(delivery.payload()))));
                } catch (IOException e) {
                    count(delivery.event(), "malformed");
                    results.add(new Result(delivery.deliveryId(), "malformed", null, null));
                }
            }
        }
        return handled;
    }

    /** A delivery on its way through a handler. */
    private record Parsed(Delivery delivery, WebhookHandler handler, WebhookEvent event) {

        Result result(String outcome) {
            return new Result(
                    delivery.deliveryId(),
                    outcome,
                    event.action().orElse(null),
                    event.installationId().orElse(null));
        }
    }

    /**
     * Hands each handler, in one call, the installations whose deliveries it can all take in a
     * batch; completes with the groups left to process one delivery at a time (a batch that
     * failed joins them, so one bad delivery fails alone).
     */
    private Uni<List<List<Parsed>>> inBatches(Collection<List<Parsed>> groups, List<Result> results) {
        List<List<Parsed>> oneByOne = new ArrayList<>();
        Map<WebhookHandler, List<List<Parsed>>> batches = new java.util.LinkedHashMap<>();
        for (List<Parsed> group : groups) {
            WebhookHandler handler = group.get(0).handler();
            boolean batched =
                    group.stream().allMatch(p -> p.handler() == handler && handler.handlesInBatches(p.event()));
            if (batched) {
                batches.computeIfAbsent(handler, h -> new ArrayList<>()).add(group);
            } else {
                oneByOne.add(group);
            }
        }
        return Multi.createFrom()
                .iterable(batches.entrySet())
                .onItem()
                .transformToUniAndConcatenate(batch -> {
                    List<Parsed> deliveries =
                            batch.getValue().stream().flatMap(List::stream).toList();
                    // on the worker thread that parsed them: handleAll's own CPU work stays off the event loops
                    return Uni.createFrom()
                            .deferred(() -> batch.getKey()
                                    .handleAll(deliveries.stream()
                                            .map(Parsed::event)
                                            .toList()))
                            .invoke(() -> deliveries.forEach(p -> {
                                count(p.delivery().event(), "processed");
                                results.add(p.result("processed"));
                            }))
                            .onFailure()
                            .recoverWithItem(failure -> {
                                Log.debugf(
                                        "A batch of %d deliveries failed, processed one at a time now: %s",
                                        deliveries.size(), Redactor.describe(failure));
                                oneByOne.addAll(batch.getValue());
                                return null;
                            });
                })
                .collect()
                .last()
                .replaceWith(oneByOne);
    }

    /**
     * The deliveries of each installation, in the order they came: one installation's events are
     * processed one after the other, different installations' side by side (each on a context, and
     * so a database session, of its own). Deliveries without an installation go alone.
     */
    private static Collection<List<Parsed>> byInstallation(List<Parsed> deliveries) {
        Map<Object, List<Parsed>> groups = new java.util.LinkedHashMap<>();
        for (Parsed parsed : deliveries) {
            Object installation = parsed.event()
                    .installationId()
                    .map(Object.class::cast)
                    .orElse(parsed.delivery().deliveryId());
            groups.computeIfAbsent(installation, k -> new ArrayList<>()).add(parsed);
        }
        return groups.values();
    }

    private Uni<List<Result>> inOrder(List<Parsed> deliveries) {
        List<Result> done = new ArrayList<>(deliveries.size());
        return Multi.createFrom()
                .iterable(deliveries)
                .onItem()
                .transformToUniAndConcatenate(parsed -> processOne(parsed).invoke(r -> {
                    if (r != null) {
                        done.add(r);
                    }
                }))
                .collect()
                .last()
                .replaceWith(done);
    }

    private Uni<Result> processOne(Parsed parsed) {
        Delivery delivery = parsed.delivery();
        return Uni.createFrom()
                .deferred(() -> parsed.handler().handle(parsed.event()))
                .map(outcome -> {
                    String name = outcome.name().toLowerCase(Locale.ROOT);
                    count(delivery.event(), name);
                    return parsed.result(name);
                })
                .onFailure()
                .recoverWithUni(failure -> recordFailure(delivery, failure).replaceWith((Result) null));
    }

    private Uni<Void> recordFailure(Delivery delivery, Throwable failure) {
        boolean last = delivery.attempt() >= config.maxAttempts();
        count(delivery.event(), last ? "failed" : "retry");
        String reason = describe(failure);
        try (LogFields ignored = LogFields.delivery(delivery.deliveryId())) {
            Log.warnf(
                    "Delivery %s (%s) failed on attempt %d: %s",
                    delivery.deliveryId(), delivery.event(), delivery.attempt(), reason);
            Log.debugf("Delivery %s failure detail: %s", delivery.deliveryId(), Redactor.trace(failure));
        }
        double backoff = Backoff.jittered(java.time.Duration.ofSeconds(1), delivery.attempt(), config.lease())
                        .toMillis()
                / 1000.0;
        return pool.preparedQuery(FAILED)
                .execute(Tuple.from(
                        new Object[] {delivery.deliveryId(), reason, backoff, config.maxAttempts(), delivery.attempt()
                        }))
                .replaceWithVoid();
    }

    private Uni<Void> markDone(List<Result> unordered) {
        if (unordered.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        // rows updated (and locked) in one order by every processor, as the intake inserts them
        List<Result> results = unordered.stream()
                .sorted(java.util.Comparator.comparing(Result::deliveryId))
                .toList();
        int n = results.size();
        String[] ids = new String[n];
        String[] outcomes = new String[n];
        String[] actions = new String[n];
        Long[] installations = new Long[n];
        for (int i = 0; i < n; i++) {
            Result r = results.get(i);
            ids[i] = r.deliveryId();
            outcomes[i] = r.outcome();
            actions[i] = r.action();
            installations[i] = r.installationId();
        }
        return pool.preparedQuery(DONE)
                .execute(Tuple.of(ids, outcomes, actions, installations))
                .replaceWithVoid();
    }

    private void count(String event, String outcome) {
        metrics.processed(event, outcome);
    }

    /** A failure reason safe to store and log: our own messages as they are, any other redacted. */
    private static String describe(Throwable failure) {
        if (failure instanceof GitHubException || failure instanceof ProblemException) {
            return failure.getMessage();
        }
        return Redactor.describe(failure);
    }
}
