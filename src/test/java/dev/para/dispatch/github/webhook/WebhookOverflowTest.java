package dev.para.dispatch.github.webhook;

import static dev.para.dispatch.testing.Webhooks.deliver;
import static dev.para.dispatch.testing.Webhooks.exampleFor;
import static dev.para.dispatch.testing.Webhooks.newDeliveryId;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.para.dispatch.testing.Db;
import dev.para.dispatch.testing.KubernetesMock;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Deliveries that do not fit the in-memory queue are read back by id as soon as it has room, in
 * the order they came, instead of waiting for the sweep's lease (an hour here).
 */
@QuarkusTest
@TestProfile(WebhookOverflowTest.TinyQueue.class)
class WebhookOverflowTest {

    public static class TinyQueue implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return KubernetesMock.configWith(Map.of(
                    "para.github.webhook.queue-capacity", "2",
                    "para.github.webhook.process-delay", "1s",
                    "para.github.webhook.process-batch-size", "3",
                    "para.github.webhook.lease", "1h"));
        }
    }

    @Test
    void overflowedDeliveriesAreProcessedSoonAndInOrder() {
        long installation = WebhookResourceTest.newInstallationId();
        List<String> deliveries = new ArrayList<>();
        deliveries.add(send(
                "installation",
                exampleFor("installation.created", installation, p -> repositories(p.putArray("repositories"), 1))));
        for (int k = 2; k <= 8; k++) {
            int added = k;
            deliveries.add(send(
                    "installation_repositories", exampleFor("installation_repositories.added", installation, p -> {
                        repositories(p.putArray("repositories_added"), added);
                        repositories(p.putArray("repositories_removed"), added - 1);
                    })));
        }

        await().atMost(Duration.ofSeconds(20))
                .until(() -> Db.count(
                                "SELECT count(*) FROM webhook_processing"
                                        + " WHERE delivery_id = ANY(string_to_array(?, ',')) AND outcome = 'processed'",
                                String.join(",", deliveries))
                        == deliveries.size());
        // each delivery grants the next repository and revokes the one before: in order, only the last is left
        assertEquals(
                List.of(Map.of("repository_id", 8L)),
                Db.query(
                        "SELECT repository_id FROM installation_repositories WHERE installation_id = ?", installation));
    }

    private static void repositories(ArrayNode list, long id) {
        ObjectNode repository = list.addObject();
        repository
                .put("id", id)
                .put("name", "r" + id)
                .put("full_name", "o/r" + id)
                .put("private", false);
    }

    private static String send(String event, byte[] body) {
        String delivery = newDeliveryId();
        deliver(event, delivery, body).statusCode(202);
        return delivery;
    }
}
