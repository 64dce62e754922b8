package dev.para.dispatch.work;

import dev.para.dispatch.metrics.MeterCache;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;

/**
 * The leased-work runner's meters, one set per kind of work: how long a pass takes and how many
 * items it did or failed. Built once per kind and outcome, the first time it happens.
 */
@Singleton
public class WorkMetrics {

    static final String PASS = "para.work.pass";
    static final String ITEMS = "para.work.items";

    private final MeterCache meters;

    public WorkMetrics(MeterRegistry registry) {
        this.meters = new MeterCache(registry);
    }

    Timer.Sample start() {
        return Timer.start(meters.registry());
    }

    /** The timer of one pass of {@code kind} (a claim and what it claimed) that ended in {@code outcome}. */
    Timer pass(String kind, String outcome) {
        return meters.timer(
                PASS, "Passes of leased work, from the claim to the last item", "kind", kind, "outcome", outcome);
    }

    /** Items of {@code kind} done or failed. */
    void items(String kind, String outcome, int n) {
        if (n > 0) {
            meters.counter(
                            ITEMS,
                            "Items of leased work processed, by kind and outcome",
                            "kind",
                            kind,
                            "outcome",
                            outcome)
                    .increment(n);
        }
    }
}
