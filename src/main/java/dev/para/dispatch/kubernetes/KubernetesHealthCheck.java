package dev.para.dispatch.kubernetes;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready once the session informers have listed what the cluster holds (always, in dry run). */
@Readiness
@ApplicationScoped
public class KubernetesHealthCheck implements HealthCheck {

    private final SessionTracker tracker;

    KubernetesHealthCheck(SessionTracker tracker) {
        this.tracker = tracker;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("kubernetes-sessions")
                .status(tracker.isWatching())
                .build();
    }
}
