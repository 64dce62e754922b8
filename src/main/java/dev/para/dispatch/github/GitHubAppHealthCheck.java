package dev.para.dispatch.github;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready when the App can authenticate to GitHub (id set, private key loaded), or when no App is
 * named at all yet: then the service waits, reachable, for its operator to create the App at
 * {@code /github/app-manifest}. A broken configuration (a key that does not parse, a key without
 * an id) is not ready.
 */
@Readiness
@ApplicationScoped
public class GitHubAppHealthCheck implements HealthCheck {

    private final AppCredentials credentials;

    GitHubAppHealthCheck(AppCredentials credentials) {
        this.credentials = credentials;
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("GitHub App credentials");
        if (!credentials.configured()) {
            return response.up().withData("setup", "No GitHub App yet: open /github/app-manifest to create it").build();
        }
        return credentials.problem()
                .map(problem -> response.down().withData("problem", problem))
                .orElseGet(() -> response.up().withData("appId", credentials.appId()))
                .build();
    }
}
