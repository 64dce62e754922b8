package dev.para.dispatch.session;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The session feature's meters, each registered once at start with every tag value it takes (an
 * alert sees a series from the first scrape; no meter is built per call). Buckets come from
 * {@code metrics.HistogramBuckets}; docs/operations.md lists the meters.
 */
@Singleton
public class SessionMetrics {

    static final String LAUNCH = "para.session.launch";
    static final String LAUNCH_FAILURES = "para.session.launch_failures";
    static final String TRANSITIONS = "para.session.transitions";
    static final String DURATION = "para.session.duration";
    static final String TOKEN_REFRESH = "para.token.refresh";
    static final String TOKEN_REFRESH_FAILURES = "para.token.refresh.failures";
    static final String COST = "para.session.cost.usd";
    static final String INSTANCE_COST = "para.session.instance.cost.usd";

    /** What one instance may cost, in USD: from a quick fix to a long run on a large model. */
    static final double[] COST_BUCKETS = {0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 25, 50, 100};

    /** What became of a launch attempt that failed. */
    enum LaunchFailure {
        RETRIED,
        RATE_LIMITED,
        FAILED
    }

    private final Timer launch;
    private final Map<LaunchFailure, Counter> launchFailures = new EnumMap<>(LaunchFailure.class);
    private final Map<SessionState, Timer> durations = new EnumMap<>(SessionState.class);
    private final Map<String, Counter> transitions = new HashMap<>();
    private final Timer refreshSucceeded;
    private final Timer refreshFailed;
    private final Counter refreshFailures;
    private final Map<InstanceState, Counter> costs = new EnumMap<>(InstanceState.class);
    private final Map<InstanceState, DistributionSummary> instanceCosts = new EnumMap<>(InstanceState.class);

    SessionMetrics(MeterRegistry registry) {
        launch = Timer.builder(LAUNCH)
                .description("Sessions from create to their Job created")
                .register(registry);
        for (LaunchFailure outcome : LaunchFailure.values()) {
            launchFailures.put(
                    outcome,
                    Counter.builder(LAUNCH_FAILURES)
                            .description("Launch attempts that failed: retried later, waiting for a"
                                    + " rate limit, or failed for good")
                            .tag("outcome", tagValue(outcome))
                            .register(registry));
        }
        for (SessionState state : SessionState.values()) {
            if (state.isTerminal()) {
                durations.put(
                        state,
                        Timer.builder(DURATION)
                                .description("Sessions from create to their end")
                                .tag("outcome", tagValue(state))
                                .register(registry));
            }
            transitions.put(key("session", state), transition(registry, "session", state));
        }
        for (InstanceState state : InstanceState.values()) {
            transitions.put(key("instance", state), transition(registry, "instance", state));
            if (state.isTerminal()) {
                costs.put(
                        state,
                        Counter.builder(COST)
                                .description("What agents reported spending (USD), by how their instance ended")
                                .tag("outcome", tagValue(state))
                                .register(registry));
                instanceCosts.put(
                        state,
                        DistributionSummary.builder(INSTANCE_COST)
                                .description("What one instance's agent reported spending (USD)")
                                .tag("outcome", tagValue(state))
                                .serviceLevelObjectives(COST_BUCKETS)
                                .register(registry));
            }
        }
        refreshSucceeded = refreshTimer(registry, "success");
        refreshFailed = refreshTimer(registry, "failure");
        refreshFailures = Counter.builder(TOKEN_REFRESH_FAILURES)
                .description("Failed refreshes of session tokens")
                .register(registry);
    }

    /** A session's Job was created, this long after the session was. */
    void launched(Duration sinceCreate) {
        launch.record(sinceCreate);
    }

    void launchFailed(LaunchFailure outcome) {
        launchFailures.get(outcome).increment();
    }

    /** A session ended in {@code state}, this long after it was created. */
    void ended(SessionState state, Duration sinceCreate) {
        durations.get(state).record(sinceCreate);
    }

    /** A session ({@code kind} "session") or an instance ("instance") moved to {@code state}. */
    void transition(String kind, Enum<?> state) {
        transitions.get(key(kind, state)).increment();
    }

    /** An instance ended in {@code state} having cost what its agent reported. */
    void cost(InstanceState state, java.math.BigDecimal usd) {
        costs.get(state).increment(usd.doubleValue());
        instanceCosts.get(state).record(usd.doubleValue());
    }

    /** The timer of a token refresh that succeeded or failed. */
    Timer tokenRefresh(boolean succeeded) {
        return succeeded ? refreshSucceeded : refreshFailed;
    }

    void tokenRefreshFailed() {
        refreshFailures.increment();
    }

    private static Counter transition(MeterRegistry registry, String kind, Enum<?> state) {
        return Counter.builder(TRANSITIONS)
                .description("State changes of sessions and instances")
                .tags("kind", kind, "state", tagValue(state))
                .register(registry);
    }

    private static Timer refreshTimer(MeterRegistry registry, String outcome) {
        return Timer.builder(TOKEN_REFRESH)
                .description("Refreshes of the tokens of running sessions")
                .tag("outcome", outcome)
                .register(registry);
    }

    private static String key(String kind, Enum<?> state) {
        return kind + ":" + state.name();
    }

    private static String tagValue(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
