package dev.para.dispatch.github.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.para.dispatch.api.ProblemException;
import dev.para.dispatch.github.GitHubConfig;
import dev.para.dispatch.github.GitHubException;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.vertx.ConsumeEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.eventbus.EventBus;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.MDC;

/**
 * Processes stored deliveries after GitHub has its answer. Any replica may claim work: a batch is
 * claimed with {@code FOR UPDATE SKIP LOCKED} and leased for a while, so a replica that dies
 * mid-batch only delays those deliveries until the lease runs out and the sweep finds them.
 */
@ApplicationScoped
public class WebhookProcessor {

    static final String ADDRESS = "para.webhook.process";
    static final String PROCESSED_COUNTER = "para.webhook.processed";

    private static final String CLAIM = "UPDATE webhook_deliveries d"
            + " SET attempts = d.attempts + 1, locked_until = now() + make_interval(secs => $2)"
            + " WHERE d.delivery_id IN (SELECT delivery_id FROM webhook_deliveries"
            + "   WHERE processed_at IS NULL AND (locked_until IS NULL OR locked_until < now())"
            + "   ORDER BY received_at LIMIT $1 FOR UPDATE SKIP LOCKED)"
            + " RETURNING d.delivery_id, d.event, d.payload, d.attempts, d.received_at";
    private static final String DONE = "UPDATE webhook_deliveries d SET processed_at = now(), outcome = u.outcome,"
            + " action = u.action, installation_id = u.installation_id, locked_until = NULL, last_error = NULL"
            + " FROM unnest($1::text[], $2::text[], $3::text[], $4::int8[]) AS u(delivery_id, outcome, action, installation_id)"
            + " WHERE d.delivery_id = u.delivery_id";
    private static final String FAILED = "UPDATE webhook_deliveries SET last_error = $2,"
            + " locked_until = now() + make_interval(secs => $3),"
            + " processed_at = CASE WHEN attempts >= $4 THEN now() END,"
            + " outcome = CASE WHEN attempts >= $4 THEN 'failed' END"
            + " WHERE delivery_id = $1";
    private static final String PURGE = "DELETE FROM webhook_deliveries WHERE ctid IN (SELECT ctid FROM webhook_deliveries"
            + " WHERE processed_at < now() - make_interval(secs => $1) LIMIT 10000)";

    private record Claimed(String deliveryId, String event, byte[] payload, int attempts, java.time.OffsetDateTime receivedAt) {}

    private record Result(String deliveryId, String outcome, String action, Long installationId) {}

    private final Pool pool;
    private final EventBus bus;
    private final ObjectMapper json;
    private final GitHubConfig.Webhook config;
    private final MeterRegistry registry;
    private final Map<String, WebhookHandler> handlers = new HashMap<>();
    private final AtomicBoolean signalled = new AtomicBoolean();
    private final AtomicBoolean draining = new AtomicBoolean();

    WebhookProcessor(Pool pool, EventBus bus, ObjectMapper json, GitHubConfig config, MeterRegistry registry,
            Instance<WebhookHandler> handlers) {
        this.pool = pool;
        this.bus = bus;
        this.json = json;
        this.config = config.webhook();
        this.registry = registry;
        for (WebhookHandler handler : handlers) {
            handler.events().forEach(event -> this.handlers.put(event, handler));
        }
    }

    /** Asks for a drain soon; many signals while one is pending make one drain. */
    public void signal() {
        if (signalled.compareAndSet(false, true)) {
            bus.send(ADDRESS, "");
        }
    }

    @Scheduled(every = "${para.github.webhook.sweep-interval}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sweep() {
        signal();
        return pool.preparedQuery(PURGE).execute(Tuple.of((double) config.retention().toSeconds()))
                .onFailure().invoke(e -> Log.warnf("Purging old deliveries failed: %s", e.getClass().getSimpleName()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    @ConsumeEvent(ADDRESS)
    Uni<Void> onSignal(String ignored) {
        signalled.set(false);
        if (!draining.compareAndSet(false, true)) {
            return Uni.createFrom().voidItem(); // the running drain claims until nothing is left
        }
        return drain().eventually(() -> draining.set(false))
                .onFailure().invoke(e -> Log.warnf("Processing deliveries failed: %s; the sweep retries",
                        e.getClass().getSimpleName()))
                .onFailure().recoverWithNull();
    }

    /** Claims and processes batches until none is left. */
    Uni<Void> drain() {
        return claim().flatMap(batch -> batch.isEmpty()
                ? Uni.createFrom().voidItem()
                : process(batch).flatMap(ignored -> batch.size() < config.processBatchSize()
                        ? Uni.createFrom().voidItem()
                        : drain()));
    }

    private Uni<List<Claimed>> claim() {
        return pool.preparedQuery(CLAIM)
                .execute(Tuple.of(config.processBatchSize(), (double) config.lease().toSeconds()))
                .map(WebhookProcessor::claimed)
                .invoke(batch -> Log.debugf("Claimed %d deliveries", batch.size()));
    }

    private static List<Claimed> claimed(RowSet<Row> rows) {
        List<Claimed> batch = new ArrayList<>(rows.size());
        for (Row row : rows) {
            batch.add(new Claimed(row.getString("delivery_id"), row.getString("event"),
                    row.getBuffer("payload").getBytes(), row.getInteger("attempts"),
                    row.getOffsetDateTime("received_at")));
        }
        // RETURNING has no order; GitHub's order matters for one installation's events
        batch.sort(java.util.Comparator.comparing(Claimed::receivedAt));
        return batch;
    }

    private Uni<Void> process(List<Claimed> batch) {
        List<Result> results = new ArrayList<>(batch.size());
        return Multi.createFrom().iterable(batch)
                .onItem().transformToUniAndConcatenate(claimed -> processOne(claimed).invoke(r -> {
                    if (r != null) {
                        results.add(r);
                    }
                }))
                .collect().last()
                .flatMap(ignored -> markDone(results));
    }

    private Uni<Result> processOne(Claimed claimed) {
        WebhookEvent event;
        try {
            event = new WebhookEvent(claimed.deliveryId(), claimed.event(), json.readTree(claimed.payload()));
        } catch (java.io.IOException e) {
            count(claimed.event(), "malformed");
            return Uni.createFrom().item(new Result(claimed.deliveryId(), "malformed", null, null));
        }
        WebhookHandler handler = handlers.get(claimed.event());
        Uni<WebhookHandler.Outcome> outcome = handler == null
                ? Uni.createFrom().item("ping".equals(claimed.event()) ? WebhookHandler.Outcome.PROCESSED : WebhookHandler.Outcome.IGNORED)
                : Uni.createFrom().deferred(() -> handler.handle(event));
        return outcome
                .map(o -> {
                    String name = o.name().toLowerCase(Locale.ROOT);
                    count(claimed.event(), name);
                    return new Result(claimed.deliveryId(), name, event.action().orElse(null),
                            event.installationId().orElse(null));
                })
                .onFailure().recoverWithUni(failure -> recordFailure(claimed, failure).replaceWith((Result) null));
    }

    private Uni<Void> recordFailure(Claimed claimed, Throwable failure) {
        boolean last = claimed.attempts() >= config.maxAttempts();
        count(claimed.event(), last ? "failed" : "retry");
        String reason = describe(failure);
        MDC.put("delivery", claimed.deliveryId());
        Log.warnf("Delivery %s (%s) failed on attempt %d: %s", claimed.deliveryId(), claimed.event(),
                claimed.attempts(), reason);
        Log.debugf(failure, "Delivery %s failure detail", claimed.deliveryId());
        MDC.remove("delivery");
        double backoff = Math.min(config.lease().toSeconds(), Math.pow(2, claimed.attempts()));
        return pool.preparedQuery(FAILED)
                .execute(Tuple.of(claimed.deliveryId(), reason, backoff, config.maxAttempts()))
                .replaceWithVoid();
    }

    private Uni<Void> markDone(List<Result> results) {
        if (results.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
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
        return pool.preparedQuery(DONE).execute(Tuple.of(ids, outcomes, actions, installations)).replaceWithVoid();
    }

    private void count(String event, String outcome) {
        registry.counter(PROCESSED_COUNTER, "event", event, "outcome", outcome).increment();
    }

    /** A failure reason safe to store and log: our own messages, never a foreign exception's text. */
    private static String describe(Throwable failure) {
        if (failure instanceof GitHubException || failure instanceof ProblemException) {
            return failure.getMessage();
        }
        return failure.getClass().getSimpleName();
    }
}
