package dev.para.dispatch.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Duration;

/**
 * Every latency timer of the service (HTTP server requests and our own {@code para.*} timers) is
 * exported as a Prometheus histogram with one fixed set of buckets, from 1 ms to 30 s, so SREs can
 * compute quantiles and SLOs across replicas.
 */
public class HistogramBuckets {

    static final Duration[] BUCKETS = {
        Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
        Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
        Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
        Duration.ofSeconds(10), Duration.ofSeconds(30)
    };

    @Produces
    @Singleton
    MeterFilter latencyHistograms() {
        return new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                if (id.getType() == Meter.Type.TIMER
                        && (id.getName().startsWith("para.") || id.getName().startsWith("http.server.requests"))) {
                    return DistributionStatisticConfig.builder()
                            .serviceLevelObjectives(toNanos())
                            .build()
                            .merge(config);
                }
                return config;
            }
        };
    }

    private static double[] toNanos() {
        double[] nanos = new double[BUCKETS.length];
        for (int i = 0; i < BUCKETS.length; i++) {
            nanos[i] = BUCKETS[i].toNanos();
        }
        return nanos;
    }
}
