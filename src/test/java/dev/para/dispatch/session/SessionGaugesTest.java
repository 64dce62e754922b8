package dev.para.dispatch.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.para.dispatch.ReplicaLease;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The gauges of work in flight are exported by one replica at a time, so that {@code sum()} over
 * replicas counts each session once; when that replica stops, another takes over.
 */
@QuarkusTest
class SessionGaugesTest {

    @Inject
    Pool pool;

    @Test
    void oneReplicaExportsTheGaugesAndAnotherTakesOverWhenItStops() throws Exception {
        String lease = "gauges-test-" + UUID.randomUUID();
        Duration duration = Duration.ofSeconds(1);
        MeterRegistry first = new SimpleMeterRegistry();
        MeterRegistry second = new SimpleMeterRegistry();
        SessionGauges a = new SessionGauges(
                new SessionRepository(pool), first, new ReplicaLease(pool, "replica-a"), lease, duration);
        SessionGauges b = new SessionGauges(
                new SessionRepository(pool), second, new ReplicaLease(pool, "replica-b"), lease, duration);

        refresh(a);
        refresh(b);
        assertNotNull(first.find("para.sessions").tag("state", "queued").gauge(), "the first to ask leads");
        assertNull(second.find("para.sessions").gauge(), "the other exports nothing");
        assertEquals(4, first.getMeters().size());

        refresh(a); // renewed by its holder
        refresh(b);
        assertNull(second.find("para.sessions").gauge());

        Thread.sleep(duration.toMillis() + 200); // a stops renewing: its lease runs out
        refresh(b);
        refresh(a);
        assertNotNull(
                second.find("para.session.instances").tag("state", "running").gauge(), "b took over");
        assertNull(first.find("para.sessions").gauge(), "a withdrew its series");
    }

    private static void refresh(SessionGauges gauges) {
        gauges.refresh().await().atMost(Duration.ofSeconds(10));
    }
}
