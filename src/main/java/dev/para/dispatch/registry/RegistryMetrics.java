package dev.para.dispatch.registry;

import dev.para.dispatch.metrics.MeterCache;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;

/**
 * The registry client's meters: the image-check cache's two counters, registered at start, and a
 * call's timer once per operation and outcome, the first time that pair happens ({@link MeterCache}).
 */
@Singleton
public class RegistryMetrics {

    static final String REQUEST = "para.registry.request";
    static final String CACHE = "para.registry.cache";

    private final MeterCache meters;
    private final Counter cacheHits;
    private final Counter cacheMisses;

    public RegistryMetrics(MeterRegistry registry) {
        this.meters = new MeterCache(registry);
        this.cacheHits = cacheCounter(registry, "hit");
        this.cacheMisses = cacheCounter(registry, "miss");
    }

    private static Counter cacheCounter(MeterRegistry registry, String result) {
        return Counter.builder(CACHE)
                .description("Image checks answered from the cache (hit) or the registry (miss)")
                .tag("result", result)
                .register(registry);
    }

    /** The timer of one call of {@code operation} that ended in {@code outcome}. */
    Timer request(String operation, String outcome) {
        return meters.timer(
                REQUEST,
                "Calls to container registries, by operation and outcome",
                "operation",
                operation,
                "outcome",
                outcome);
    }

    void cacheHit() {
        cacheHits.increment();
    }

    void cacheMiss() {
        cacheMisses.increment();
    }
}
