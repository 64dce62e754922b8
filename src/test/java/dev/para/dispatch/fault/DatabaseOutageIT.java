package dev.para.dispatch.fault;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.para.dispatch.testing.Database;
import dev.para.dispatch.testing.ProductionStart;
import dev.para.dispatch.testing.Webhooks;
import io.restassured.RestAssured;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * PostgreSQL stopped for 10 seconds while GitHub keeps delivering: the service answers 503 (never
 * anything else) while it is away, stores every delivery it acknowledged, and takes deliveries
 * again once PostgreSQL is back, without a restart. The test has its own PostgreSQL, to stop.
 */
@Execution(ExecutionMode.CONCURRENT)
class DatabaseOutageIT {

    @Test
    void onlyServiceUnavailableWhileDownAndEveryAcknowledgedDeliveryStored() throws Exception {
        Path data = Files.createTempDirectory("fault-postgres");
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        EmbeddedPostgres postgres = start(data, port);
        Database server = new Database(Map.of(
                "quarkus.datasource.jdbc.url",
                "jdbc:postgresql://localhost:" + port + "/postgres",
                "quarkus.datasource.username",
                "postgres",
                "quarkus.datasource.password",
                "postgres"));
        Map<String, Integer> answered = new ConcurrentHashMap<>();
        try (FaultCluster cluster = new FaultCluster(server)) {
            ProductionStart replica = cluster.startReplica(Map.of());
            AtomicBoolean sending = new AtomicBoolean(true);
            ExecutorService senders = Executors.newFixedThreadPool(4);
            for (int t = 0; t < 4; t++) {
                senders.submit(() -> {
                    while (sending.get()) {
                        String delivery = Webhooks.newDeliveryId();
                        int status = Webhooks.deliver(
                                        RestAssured.given().port(replica.port),
                                        Webhooks.SIGNATURE,
                                        "ping",
                                        delivery,
                                        Webhooks.exampleFor("ping", 0, p -> {}))
                                .extract()
                                .statusCode();
                        answered.put(delivery, status);
                        sleep(20);
                    }
                    return null;
                });
            }
            sleep(4_000);
            postgres.close(); // stopped; its files stay
            sleep(10_000);
            postgres = start(data, port);
            sleep(8_000);
            sending.set(false);
            senders.shutdown();
            assertTrue(senders.awaitTermination(30, TimeUnit.SECONDS));

            Map<Integer, Long> byStatus = new TreeMap<>();
            answered.values().forEach(s -> byStatus.merge(s, 1L, Long::sum));
            assertEquals(Set.of(202, 503), byStatus.keySet(), "answers by status: " + byStatus);
            Set<String> acknowledged = answered.entrySet().stream()
                    .filter(e -> e.getValue() == 202)
                    .map(Map.Entry::getKey)
                    .collect(java.util.stream.Collectors.toSet());
            Set<Object> stored = cluster.db.query("SELECT delivery_id FROM webhook_deliveries").stream()
                    .map(row -> row.get("delivery_id"))
                    .collect(java.util.stream.Collectors.toSet());
            assertTrue(stored.containsAll(acknowledged), "a delivery answered 202 is stored");
            await().atMost(Duration.ofSeconds(30))
                    .ignoreExceptions()
                    .untilAsserted(() -> given().port(replica.port)
                            .get("/q/health/ready")
                            .then()
                            .statusCode(200));
            assertTrue(replica.isAlive(), "recovered without a restart");
            // deliveries were taken again after PostgreSQL came back: the last answers are 202s
            assertTrue(byStatus.get(503) > 0 && byStatus.get(202) > 0, byStatus.toString());
        } finally {
            postgres.close();
        }
    }

    private static EmbeddedPostgres start(Path data, int port) throws java.io.IOException {
        return EmbeddedPostgres.builder()
                .setDataDirectory(data)
                .setCleanDataDirectory(false)
                .setPort(port)
                .start();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
