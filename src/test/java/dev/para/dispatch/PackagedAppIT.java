package dev.para.dispatch;

import static dev.para.dispatch.testing.Webhooks.deliver;
import static dev.para.dispatch.testing.Webhooks.exampleFor;
import static dev.para.dispatch.testing.Webhooks.newDeliveryId;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.para.dispatch.testing.ApiTokens;
import dev.para.dispatch.testing.ProductionStart;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The packaged application (target/quarkus-app, the JVM image's content; the native executable
 * with {@code -Dnative}) started as its own process against the test PostgreSQL, the fake GitHub
 * and the Kubernetes mock: what a container start in a cluster does.
 */
@QuarkusIntegrationTest
class PackagedAppIT {

    @Test
    void startsMigratesAndIsReady() {
        given().when()
                .get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItems("GitHub App credentials", "kubernetes-sessions"));
    }

    @Test
    void takesWebhooksAndServesTheApi() {
        deliver("ping", newDeliveryId(), exampleFor("ping", 0, p -> {})).statusCode(202);
        given().header("Authorization", ApiTokens.bearer("packaged-app"))
                .when()
                .get("/api/v1/installations")
                .then()
                .statusCode(200);
        given().when().get("/api/v1/sessions").then().statusCode(401).contentType("application/problem+json");
    }

    /**
     * Production logs one JSON object per console line (DESIGN §7), which is what a cluster collects.
     * Checked on a start of the packaged application with the production profile (the tests' own
     * start above runs the test profile) that fails because its database is away: even then every
     * line is JSON, the stack trace inside its line rather than over many.
     */
    @Test
    void logsJsonOnTheConsoleEvenWhenItCannotStart() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        List<String> lines;
        try (ProductionStart service = ProductionStart.start(Map.of(
                "QUARKUS_DATASOURCE_REACTIVE_URL", "postgresql://127.0.0.1:" + closed + "/para",
                "QUARKUS_DATASOURCE_JDBC_URL", "jdbc:postgresql://127.0.0.1:" + closed + "/para",
                "PARA_DRY_RUN", "true"))) {
            service.awaitExit(90);
            lines = service.lines();
        }
        List<JsonNode> entries = jsonLines(lines);
        assertTrue(
                entries.stream()
                        .anyMatch(e -> e.path("level").asText().equals("ERROR")
                                && e.path("stackTrace").asText().contains("\tat ")),
                () -> "no ERROR line with its stack trace in: " + lines);
    }

    private static List<JsonNode> jsonLines(List<String> lines) throws IOException {
        List<String> written = lines.stream().filter(line -> !line.isBlank()).toList();
        assertFalse(written.isEmpty(), "nothing was logged");
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> entries = new ArrayList<>();
        for (String line : written) {
            JsonNode entry;
            try {
                entry = json.readTree(line);
            } catch (JsonProcessingException e) {
                throw new AssertionError("not a JSON log line: " + line);
            }
            assertTrue(
                    entry.isObject()
                            && entry.hasNonNull("timestamp")
                            && entry.hasNonNull("level")
                            && entry.hasNonNull("loggerName")
                            && entry.has("message"),
                    () -> "not a log entry: " + line);
            entries.add(entry);
        }
        return entries;
    }

    @Test
    void exportsMetricsAndTheApiDescription() {
        given().header("Authorization", ApiTokens.bearer("packaged-app"))
                .when()
                .get("/api/v1/sessions")
                .then()
                .statusCode(200);
        given().when()
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .body(containsString("http_server_requests_seconds_bucket{"));
        given().queryParam("format", "json")
                .when()
                .get("/q/openapi")
                .then()
                .statusCode(200)
                .body("paths.'/api/v1/sessions'.post", org.hamcrest.Matchers.notNullValue());
    }
}
