package dev.para.dispatch.github;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.para.dispatch.testing.TestClock;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.jwt.util.KeyUtils;
import jakarta.inject.Inject;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.jwt.consumer.JwtContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The App JWT as GitHub checks it: signed RS256 by the App's key (verified with its public key),
 * issued by the App id, {@code iat} back-dated for clock drift, expiring at most 10 minutes out;
 * reused while it has life left, signed anew after.
 */
@QuarkusTest
class AppJwtServiceTest {

    @Inject
    AppJwtService jwts;

    @Inject
    GitHubConfig config;

    @Inject
    Clock clock;

    @AfterEach
    void resetClock() {
        TestClock.reset();
    }

    @Test
    void isSignedWithTheAppsKeyAndCarriesWhatGitHubChecks() throws Exception {
        Instant now = clock.instant();
        JwtClaims claims = verified(jwts.jwt(), now);
        assertEquals("123456", claims.getIssuer());
        Instant issued = Instant.ofEpochSecond(claims.getIssuedAt().getValue());
        Instant expires = Instant.ofEpochSecond(claims.getExpirationTime().getValue());
        assertTrue(
                issued.isBefore(now.minusSeconds(30)) && issued.isAfter(now.minusSeconds(120)),
                "iat is back-dated about 60 s: " + issued + " at " + now);
        assertTrue(
                expires.isAfter(now) && !expires.isAfter(now.plus(Duration.ofMinutes(10))),
                "exp is within GitHub's 10 minutes: " + expires + " at " + now);
        assertTrue(Duration.between(issued, expires).compareTo(Duration.ofMinutes(10)) <= 0);
    }

    @Test
    void isReusedWhileItHasLifeLeftThenSignedAnew() throws Exception {
        TestClock.advance(config.jwtLifetime()); // past any JWT signed before this test
        String first = jwts.jwt();
        assertSame(first, jwts.jwt(), "reused, not signed again");

        TestClock.advance(config.jwtLifetime().minus(config.jwtReuseMargin()).minusSeconds(5));
        assertSame(first, jwts.jwt(), "still reused just before its reuse margin");

        TestClock.advance(Duration.ofSeconds(10));
        String second = jwts.jwt();
        assertNotEquals(first, second, "signed anew inside the reuse margin");
        JwtClaims claims = verified(second, clock.instant());
        assertTrue(
                Instant.ofEpochSecond(claims.getExpirationTime().getValue())
                        .isAfter(clock.instant().plus(config.jwtReuseMargin())),
                "the new one has its whole life ahead");
    }

    /** After the clock stepped back, a JWT signed "later" is not reused: its iat would be in GitHub's future. */
    @Test
    void aClockThatSteppedBackGetsANewJwt() throws Exception {
        TestClock.advance(config.jwtLifetime()); // a JWT signed 9 minutes "later"
        String ahead = jwts.jwt();
        TestClock.reset();
        String now = jwts.jwt();
        assertNotEquals(ahead, now);
        verified(now, clock.instant());
    }

    /** The claims of a JWT verified as GitHub does, at {@code now}: RS256 only, with the App's public key. */
    private static JwtClaims verified(String jwt, Instant now) throws Exception {
        PublicKey key = KeyUtils.readPublicKey("github/app-public-key.pem");
        JwtContext context = new JwtConsumerBuilder()
                .setVerificationKey(key)
                .setJwsAlgorithmConstraints(
                        AlgorithmConstraints.ConstraintType.PERMIT, AlgorithmIdentifiers.RSA_USING_SHA256)
                .setRequireIssuedAt()
                .setRequireExpirationTime()
                .setEvaluationTime(org.jose4j.jwt.NumericDate.fromSeconds(now.getEpochSecond()))
                .setSkipDefaultAudienceValidation()
                .build()
                .process(jwt);
        assertEquals("RS256", context.getJoseObjects().get(0).getAlgorithmHeaderValue());
        return context.getJwtClaims();
    }
}
