package dev.para.dispatch.installation;

import static dev.para.dispatch.testing.Webhooks.deliver;
import static dev.para.dispatch.testing.Webhooks.newDeliveryId;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.para.dispatch.testing.Db;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every example GitHub publishes for the installation events ({@code @octokit/webhooks-examples},
 * kept in src/test/resources/github/webhooks/octokit-examples.json), and the same with empty
 * repository lists, delivered as GitHub delivers them and applied to the installation's rows.
 */
@QuarkusTest
class InstallationWebhookExamplesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static Stream<Arguments> examples() {
        JsonNode all;
        try {
            all = JSON.readTree(Path.of("src/test/resources/github/webhooks/octokit-examples.json")
                    .toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Arguments> cases = new ArrayList<>();
        all.fields().forEachRemaining(event -> {
            int n = 0;
            for (JsonNode example : event.getValue()) {
                String name = event.getKey() + "." + example.path("action").asText() + " #" + ++n;
                cases.add(Arguments.of(name, event.getKey(), example));
                for (String list : List.of("repositories", "repositories_added", "repositories_removed")) {
                    if (example.path(list).isArray() && !example.path(list).isEmpty()) {
                        ObjectNode emptied = example.deepCopy();
                        emptied.putArray(list);
                        cases.add(Arguments.of(name + " with " + list + " empty", event.getKey(), emptied));
                    }
                }
            }
        });
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void isApplied(String name, String event, ObjectNode example) throws IOException {
        long installation = ThreadLocalRandom.current().nextLong(1_000_000, Long.MAX_VALUE / 2);
        ObjectNode payload = example.deepCopy();
        if (payload.has("installation")) {
            ((ObjectNode) payload.get("installation")).put("id", installation);
        }
        String action = payload.path("action").asText();
        boolean knownBefore = !"created".equals(action) && payload.has("installation");
        if (knownBefore) {
            // the installation as GitHub told us before, granted what this event removes and one more
            deliverAndAwait("installation", createdWith(installation, payload));
        }

        String delivery = deliverAndAwait(event, JSON.writeValueAsBytes(payload));

        var processing = Db.query("SELECT outcome, last_error FROM webhook_processing WHERE delivery_id = ?", delivery)
                .get(0);
        assertEquals("processed", processing.get("outcome"), name + ": " + processing.get("last_error"));
        if (!payload.has("installation")) {
            return; // github_app_authorization: nothing of an installation to check
        }
        List<Object> granted = Db.query(
                        "SELECT full_name FROM installation_repositories WHERE installation_id = ?"
                                + " ORDER BY full_name",
                        installation)
                .stream()
                .map(r -> r.get("full_name"))
                .toList();
        var row = Db.query("SELECT * FROM github_installations WHERE installation_id = ?", installation)
                .get(0);
        switch (event + "." + action) {
            case "installation.created", "installation.new_permissions_accepted" ->
                assertEquals(names(payload.path("repositories")), granted, name);
            case "installation.deleted" -> assertNotNull(row.get("deleted_at"), name);
            case "installation.suspend" -> assertNotNull(row.get("suspended_at"), name);
            case "installation.unsuspend" -> assertNull(row.get("suspended_at"), name);
            case "installation_repositories.added" -> {
                List<Object> expected = new ArrayList<>(List.of("before/kept"));
                expected.addAll(names(payload.path("repositories_added")));
                assertEquals(expected.stream().sorted().toList(), granted, name);
            }
            case "installation_repositories.removed" -> assertEquals(List.of("before/kept"), granted, name);
            default -> throw new AssertionError("no check for " + name);
        }
    }

    /** An {@code installation.created} for the installation, granted "before/kept" and what the event removes. */
    private static byte[] createdWith(long installation, ObjectNode event) throws IOException {
        ObjectNode created = JSON.createObjectNode();
        created.put("action", "created");
        created.set("installation", event.get("installation").deepCopy());
        ((ObjectNode) created.get("installation")).put("repository_selection", "selected");
        ArrayNode repositories = created.putArray("repositories");
        repositories
                .addObject()
                .put("id", installation % 1_000_000)
                .put("name", "kept")
                .put("full_name", "before/kept")
                .put("private", false);
        for (JsonNode removed : event.path("repositories_removed")) {
            repositories.add(removed.deepCopy());
        }
        created.set("sender", event.get("sender"));
        return JSON.writeValueAsBytes(created);
    }

    private static List<Object> names(JsonNode repositories) {
        List<Object> names = new ArrayList<>();
        repositories.forEach(r -> names.add(r.path("full_name").asText()));
        return names.stream().sorted().toList();
    }

    private static String deliverAndAwait(String event, byte[] body) {
        String delivery = newDeliveryId();
        deliver(event, delivery, body).statusCode(202);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> !Db.query(
                                "SELECT 1 FROM webhook_processing"
                                        + " WHERE delivery_id = ? AND (processed_at IS NOT NULL OR last_error IS NOT NULL)",
                                delivery)
                        .isEmpty());
        return delivery;
    }
}
