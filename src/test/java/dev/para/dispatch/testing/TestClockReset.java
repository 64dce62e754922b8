package dev.para.dispatch.testing;

import io.quarkus.test.junit.callback.QuarkusTestAfterEachCallback;
import io.quarkus.test.junit.callback.QuarkusTestMethodContext;

/**
 * Puts the service's clock back to real time after every @QuarkusTest method, so that a test
 * that moved it forward (and failed before its own reset) cannot move time for the tests after it.
 */
public class TestClockReset implements QuarkusTestAfterEachCallback {

    @Override
    public void afterEach(QuarkusTestMethodContext context) {
        TestClock.reset();
    }
}
