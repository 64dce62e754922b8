package dev.para.dispatch.github.webhook;

import dev.para.dispatch.metrics.MeterCache;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;

/**
 * The webhook intake's meters: deliveries received (answered on the route) and processed (after
 * the answer), each counter built once per event and outcome the first time that pair happens
 * ({@link MeterCache}; GitHub has some seventy event names, most never sent to us), and the body
 * budget's two gauges. The backlog gauges are {@link WebhookBacklog}'s: one replica exports them.
 */
@Singleton
public class WebhookMetrics {

    static final String RECEIVED = "para.webhook.deliveries";
    static final String PROCESSED = "para.webhook.processed";
    static final String BODIES_READING = "para.webhook.bodies.reading";
    static final String BODY_BYTES = "para.webhook.body.bytes";

    private final MeterCache meters;

    WebhookMetrics(MeterRegistry registry) {
        this.meters = new MeterCache(registry);
    }

    /** A delivery answered: accepted, duplicate, rejected or unavailable. */
    void received(String event, String outcome) {
        meters.counter(
                        RECEIVED,
                        "Webhook deliveries received, by event and outcome (accepted, duplicate, rejected, unavailable)",
                        "event",
                        event,
                        "outcome",
                        outcome)
                .increment();
    }

    /** A stored delivery processed after the answer. */
    void processed(String event, String outcome) {
        meters.counter(
                        PROCESSED,
                        "Webhook deliveries processed after the answer, by event and outcome",
                        "event",
                        event,
                        "outcome",
                        outcome)
                .increment();
    }

    /** Exports what the bodies being read hold; called once, by the route that owns the budget. */
    void watch(BodyBudget budget) {
        Gauge.builder(BODIES_READING, budget, BodyBudget::bodies)
                .description("Delivery bodies being read now")
                .register(meters.registry());
        Gauge.builder(BODY_BYTES, budget, BodyBudget::held)
                .baseUnit("bytes")
                .description(
                        "Bytes held by delivery bodies being read, against para.github.webhook.max-in-flight-bytes")
                .register(meters.registry());
    }
}
