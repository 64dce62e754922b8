package dev.para.dispatch.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Map;

/**
 * Every timer of the service (HTTP server requests and our own {@code para.*} timers) is exported
 * as a Prometheus histogram with fixed buckets, so SREs can compute quantiles and SLOs across
 * replicas. Requests and calls share the latency buckets, 1 ms to 30 s; a meter that measures
 * something longer has buckets of its own (a session lasts minutes to a day). docs/operations.md
 * lists them, and MetricsTest holds the two together.
 */
public class HistogramBuckets {

    /** Requests, calls to GitHub, Kubernetes and registries, token mints, a launch. */
    static final Duration[] LATENCY = {
        Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
        Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
        Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
        Duration.ofSeconds(10), Duration.ofSeconds(30)
    };

    /** A session from its create to its end: up to the longest timeout a request may ask for (24 h). */
    static final Duration[] SESSION_DURATION = {
        Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(2),
        Duration.ofMinutes(5), Duration.ofMinutes(10), Duration.ofMinutes(15), Duration.ofMinutes(30),
        Duration.ofHours(1), Duration.ofHours(2), Duration.ofHours(4), Duration.ofHours(8),
        Duration.ofHours(12), Duration.ofHours(24)
    };

    /** Meters whose buckets are not {@link #LATENCY}. */
    static final Map<String, Duration[]> OWN_BUCKETS = Map.of("para.session.duration", SESSION_DURATION);

    @Produces
    @Singleton
    MeterFilter histograms() {
        return new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                if (id.getType() == Meter.Type.TIMER
                        && (id.getName().startsWith("para.") || id.getName().startsWith("http.server.requests"))) {
                    return DistributionStatisticConfig.builder()
                            .serviceLevelObjectives(toNanos(OWN_BUCKETS.getOrDefault(id.getName(), LATENCY)))
                            .build()
                            .merge(config);
                }
                return config;
            }
        };
    }

    private static double[] toNanos(Duration[] buckets) {
        double[] nanos = new double[buckets.length];
        for (int i = 0; i < buckets.length; i++) {
            nanos[i] = buckets[i].toNanos();
        }
        return nanos;
    }
}
