package dev.para.dispatch.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.para.dispatch.api.ProblemException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each check makes the service call a host the caller named: an account gets so many a minute. */
class ImageCheckLimiterTest {

    private Instant now = Instant.parse("2026-12-05T10:00:00Z");
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };

    @Test
    void anAccountGetsItsChecksAMinuteThen429UntilTheWindowEnds() {
        ImageCheckLimiter limiter = new ImageCheckLimiter(
                RegistryAddressesTest.config(Map.of("para.registry.checks-per-minute", "3")), clock);
        for (int i = 0; i < 3; i++) {
            limiter.take("acme");
        }
        limiter.take("globex"); // another account has its own
        now = now.plusSeconds(20);
        ProblemException limited = assertThrows(ProblemException.class, () -> limiter.take("acme"));
        assertEquals(429, limited.status());
        assertEquals(Duration.ofSeconds(40), limited.retryAfter().orElseThrow());

        now = now.plusSeconds(40);
        limiter.take("acme");
    }
}
