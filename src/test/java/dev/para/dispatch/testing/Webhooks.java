package dev.para.dispatch.testing;

import static io.restassured.RestAssured.given;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.para.dispatch.github.webhook.WebhookSignature;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.function.Consumer;

/** Sends GitHub-shaped webhook deliveries, signed as GitHub signs them, to the service under test. */
public final class Webhooks {

    public static final String SECRET = "It's a Secret to Everybody";
    public static final WebhookSignature SIGNATURE = new WebhookSignature(SECRET);
    private static final ObjectMapper JSON = new ObjectMapper();

    private Webhooks() {}

    /** A payload from GitHub's own examples (src/test/resources/github/webhooks/NAME.json). */
    public static ObjectNode example(String name) {
        try {
            return (ObjectNode)
                    JSON.readTree(Files.readString(Path.of("src/test/resources/github/webhooks", name + ".json")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The example with its installation id replaced, so tests do not share rows. */
    public static byte[] exampleFor(String name, long installationId, Consumer<ObjectNode> edit) {
        ObjectNode payload = example(name);
        if (payload.has("installation")) {
            ((ObjectNode) payload.get("installation")).put("id", installationId);
        }
        edit.accept(payload);
        try {
            return JSON.writeValueAsBytes(payload);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String newDeliveryId() {
        return UUID.randomUUID().toString();
    }

    public static ValidatableResponse deliver(String event, String deliveryId, byte[] body) {
        return deliver(given(), SIGNATURE, event, deliveryId, body);
    }

    /** Delivers to another service than the test's own (its address in {@code to}), signed with its secret. */
    public static ValidatableResponse deliver(
            RequestSpecification to, WebhookSignature signature, String event, String deliveryId, byte[] body) {
        return given().spec(to)
                .header("X-GitHub-Event", event)
                .header("X-GitHub-Delivery", deliveryId)
                .header("X-Hub-Signature-256", signature.header(body))
                .header("X-GitHub-Hook-ID", "292430182")
                .contentType("application/json")
                .body(body)
                .when()
                .post("/github/webhook")
                .then();
    }
}
