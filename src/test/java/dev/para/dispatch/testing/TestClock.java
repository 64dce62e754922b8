package dev.para.dispatch.testing;

import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The service's clock in tests: real time plus an offset that tests move forward. The offset is
 * put back after every @QuarkusTest method ({@link TestClockReset}); plain tests reset it themselves.
 */
public class TestClock extends Clock {

    private static volatile Duration offset = Duration.ZERO;

    public static void advance(Duration by) {
        offset = offset.plus(by);
    }

    public static void reset() {
        offset = Duration.ZERO;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return Instant.now().plus(offset);
    }

    /** Replaces the production clock in every @QuarkusTest. */
    public static class Producer {
        @Produces
        @Singleton
        @Alternative
        @Priority(1)
        Clock clock() {
            return new TestClock();
        }
    }
}
