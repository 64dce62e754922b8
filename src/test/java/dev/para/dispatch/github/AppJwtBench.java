package dev.para.dispatch.github;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;

/** Reaches the package-private signing of {@link AppJwtService} for the benchmark in bench/. */
@Singleton
public class AppJwtBench {

    @Inject
    AppJwtService jwt;

    @Inject
    GitHubConfig config;

    @Inject
    Clock clock;

    public String signNew() {
        return jwt.sign(clock.instant());
    }

    public String current() {
        return jwt.jwt();
    }

    public Duration reusedFor() {
        return config.jwtLifetime().minus(config.jwtReuseMargin());
    }

    public Duration lifetime() {
        return config.jwtLifetime();
    }
}
