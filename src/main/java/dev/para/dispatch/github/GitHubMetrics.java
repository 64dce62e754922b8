package dev.para.dispatch.github;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The GitHub client's meters. The circuit breaker's counter is registered at start; a call's timer
 * once per operation and outcome, the first time that pair happens, and kept (no meter is built
 * per call). Registering every operation × outcome up front would export hundreds of empty series.
 */
@Singleton
public class GitHubMetrics {

    static final String REQUEST = "para.github.request";
    static final String CIRCUIT_REJECTIONS = "para.github.circuit_rejections";

    private final MeterRegistry registry;
    private final Counter circuitRejections;
    private final Map<String, Timer> requests = new ConcurrentHashMap<>();

    GitHubMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.circuitRejections = Counter.builder(CIRCUIT_REJECTIONS)
                .description("Calls to GitHub not made because the circuit breaker is open")
                .register(registry);
    }

    /** The timer of one attempt of {@code operation} that ended in {@code outcome}. */
    Timer request(String operation, String outcome) {
        return requests.computeIfAbsent(
                operation + " " + outcome,
                key -> Timer.builder(REQUEST)
                        .description("Calls to the GitHub API, one per attempt")
                        .tags("operation", operation, "outcome", outcome)
                        .register(registry));
    }

    void circuitRejected() {
        circuitRejections.increment();
    }

    MeterRegistry registry() {
        return registry;
    }
}
