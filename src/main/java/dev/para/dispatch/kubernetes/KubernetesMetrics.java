package dev.para.dispatch.kubernetes;

import dev.para.dispatch.metrics.MeterCache;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;

/** The Kubernetes runtime's meters: a call's timer, once per operation and outcome ({@link MeterCache}). */
@Singleton
public class KubernetesMetrics {

    static final String REQUEST = "para.kubernetes.request";

    private final MeterCache meters;

    public KubernetesMetrics(MeterRegistry registry) {
        this.meters = new MeterCache(registry);
    }

    /** The timer of one call of {@code operation} that ended in {@code outcome}. */
    Timer request(String operation, String outcome) {
        return meters.timer(REQUEST, "Calls to the Kubernetes API", "operation", operation, "outcome", outcome);
    }

    Timer.Sample start() {
        return Timer.start(meters.registry());
    }
}
