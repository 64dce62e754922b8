package dev.para.dispatch.github;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready when the App can authenticate to GitHub (id set, private key loaded), or when no App is
 * named at all yet: then the service waits, reachable, for its operator to create the App at
 * {@code /github/app-manifest}. A broken configuration (a key that does not parse, a key without
 * an id) is not ready. A rate limit GitHub answered is shown in the data, ready all the same.
 */
@Readiness
@ApplicationScoped
public class GitHubAppHealthCheck implements HealthCheck {

    private final AppCredentials credentials;
    private final RateLimits rateLimits;

    GitHubAppHealthCheck(AppCredentials credentials, RateLimits rateLimits) {
        this.credentials = credentials;
        this.rateLimits = rateLimits;
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("GitHub App credentials");
        if (!credentials.configured()) {
            return response.up()
                    .withData(
                            "setup",
                            "No GitHub App yet: open /github/app-manifest?setup_secret=<the setup secret> to create it")
                    .build();
        }
        if (credentials.problem().isPresent()) {
            return response.down()
                    .withData("problem", credentials.problem().get())
                    .build();
        }
        // A rate limit is GitHub's to lift, not a fault of this replica: still ready, and it says so.
        response.up().withData("appId", credentials.appId());
        rateLimits.appLimitedUntil().ifPresent(until -> response.withData("github", "rate-limited until " + until));
        long installations = rateLimits.installationsLimited();
        if (installations > 0) {
            response.withData("installationsRateLimited", installations);
        }
        return response.build();
    }
}
