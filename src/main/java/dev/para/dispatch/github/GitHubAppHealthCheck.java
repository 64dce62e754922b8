package dev.para.dispatch.github;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only when the App can authenticate to GitHub: id set and private key loaded. */
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
        return credentials.problem()
                .map(problem -> response.down().withData("problem", problem))
                .orElseGet(() -> response.up().withData("appId", credentials.appId()))
                .build();
    }
}
