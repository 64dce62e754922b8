package dev.para.dispatch.github.webhook;

import static dev.para.dispatch.testing.Webhooks.deliver;
import static dev.para.dispatch.testing.Webhooks.exampleFor;
import static dev.para.dispatch.testing.Webhooks.newDeliveryId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.para.dispatch.testing.Db;
import dev.para.dispatch.testing.KubernetesMock;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code para.github.webhook.keep-ignored-payloads}: a delivery no handler takes keeps its payload too. */
@QuarkusTest
@TestProfile(KeepIgnoredPayloadsTest.KeepIgnoredPayloads.class)
class KeepIgnoredPayloadsTest {

    public static class KeepIgnoredPayloads implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return KubernetesMock.configWith(Map.of("para.github.webhook.keep-ignored-payloads", "true"));
        }
    }

    @Test
    void anIgnoredDeliveryIsStoredWithItsPayload() {
        String push = newDeliveryId();
        byte[] body = exampleFor("push", WebhookResourceTest.newInstallationId(), p -> {});
        deliver("push", push, body).statusCode(202);
        assertTrue(WebhookResourceTest.payloadKept(push, body));
        assertEquals(
                1,
                Db.count(
                        "SELECT count(*) FROM webhook_processing WHERE delivery_id = ?"
                                + " AND processed_at = received_at AND outcome = 'ignored'",
                        push),
                "still settled at intake");
    }
}
