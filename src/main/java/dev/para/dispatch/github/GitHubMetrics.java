package dev.para.dispatch.github;

import dev.para.dispatch.metrics.MeterCache;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;

/**
 * The GitHub client's meters. The circuit breaker's counter and the token mint timers are
 * registered at start; a call's timer
 * once per operation and outcome, the first time that pair happens ({@link MeterCache}).
 * Registering every operation × outcome up front would export hundreds of empty series.
 */
@Singleton
public class GitHubMetrics {

    static final String REQUEST = "para.github.request";
    static final String CIRCUIT_REJECTIONS = "para.github.circuit_rejections";
    static final String TOKEN_MINT = "para.token.mint";

    private final MeterCache meters;
    private final Counter circuitRejections;
    private final Timer mintSuccess;
    private final Timer mintFailure;

    GitHubMetrics(MeterRegistry registry) {
        this.meters = new MeterCache(registry);
        this.circuitRejections = Counter.builder(CIRCUIT_REJECTIONS)
                .description("Calls to GitHub not made because the circuit breaker is open")
                .register(registry);
        this.mintSuccess = mintTimer(registry, "success");
        this.mintFailure = mintTimer(registry, "failure");
    }

    private static Timer mintTimer(MeterRegistry registry, String outcome) {
        return Timer.builder(TOKEN_MINT)
                .description("Minting of installation tokens at GitHub")
                .tag("outcome", outcome)
                .register(registry);
    }

    /** The timer of one mint of an installation token. */
    Timer mint(boolean succeeded) {
        return succeeded ? mintSuccess : mintFailure;
    }

    /** The timer of one attempt of {@code operation} that ended in {@code outcome}. */
    Timer request(String operation, String outcome) {
        return meters.timer(
                REQUEST, "Calls to the GitHub API, one per attempt", "operation", operation, "outcome", outcome);
    }

    void circuitRejected() {
        circuitRejections.increment();
    }

    MeterRegistry registry() {
        return meters.registry();
    }
}
