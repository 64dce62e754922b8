package dev.para.dispatch.github;

import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Signs the App JWT (RS256, {@code iss} = App id) that authenticates the App itself to GitHub.
 * {@code iat} is 60 s in the past to absorb clock drift, as GitHub recommends; {@code exp} is at
 * most 10 minutes out. One JWT is reused until shortly before it expires: signing costs an RSA
 * operation, and GitHub does not ask for a fresh one per call.
 */
@Singleton
public class AppJwtService {

    private record SignedJwt(String value, Instant signedAt, Instant reuseUntil, String appId) {

        /**
         * Reusable at {@code now} for {@code appId}: not yet in its reuse margin, and not signed
         * "later" than now (after the clock stepped back, its {@code iat} could lie in GitHub's future).
         */
        boolean reusableAt(Instant now, String appId) {
            return !now.isBefore(signedAt) && now.isBefore(reuseUntil) && this.appId.equals(appId);
        }
    }

    private final AppCredentials credentials;
    private final GitHubConfig config;
    private final Clock clock;
    private final AtomicReference<SignedJwt> current = new AtomicReference<>();

    AppJwtService(AppCredentials credentials, GitHubConfig config, Clock clock) {
        this.credentials = credentials;
        this.config = config;
        this.clock = clock;
    }

    /** A valid App JWT, reused while it has more than the reuse margin left. */
    public String jwt() {
        Instant now = clock.instant();
        SignedJwt jwt = current.get();
        String appId = credentials.appId();
        if (jwt == null || !jwt.reusableAt(now, appId)) {
            // Two threads may both sign here once; both results are valid, so no lock is needed.
            jwt = new SignedJwt(sign(now), now, now.plus(config.jwtLifetime()).minus(config.jwtReuseMargin()), appId);
            current.set(jwt);
        }
        return jwt.value();
    }

    /** Signs a new App JWT valid from {@code now}. */
    String sign(Instant now) {
        return Jwt.issuer(credentials.appId())
                .issuedAt(now.minusSeconds(60))
                .expiresAt(now.plus(config.jwtLifetime()))
                .jws()
                .algorithm(SignatureAlgorithm.RS256)
                .sign(credentials.privateKey());
    }
}
