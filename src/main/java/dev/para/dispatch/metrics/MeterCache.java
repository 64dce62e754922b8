package dev.para.dispatch.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Meters whose tags take a few values each (an operation and its outcome, an event and its
 * outcome): each is built the first time its combination occurs and kept, so no meter is built
 * per call, and no combination that never happens is exported as an empty series.
 */
public final class MeterCache {

    private final MeterRegistry registry;
    private final Map<String, Meter> meters = new ConcurrentHashMap<>();

    public MeterCache(MeterRegistry registry) {
        this.registry = registry;
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** The timer {@code name} with these tags (name, value, name, value…). */
    public Timer timer(String name, String description, String... tags) {
        return (Timer) meters.computeIfAbsent(
                key(name, tags),
                k -> Timer.builder(name).description(description).tags(tags).register(registry));
    }

    /** The counter {@code name} with these tags (name, value, name, value…). */
    public Counter counter(String name, String description, String... tags) {
        return (Counter) meters.computeIfAbsent(
                key(name, tags),
                k -> Counter.builder(name).description(description).tags(tags).register(registry));
    }

    private static String key(String name, String... tags) {
        return name + '\u0000' + String.join("\u0000", tags);
    }
}
