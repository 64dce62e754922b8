package dev.para.dispatch;

import static dev.para.dispatch.testing.Webhooks.deliver;
import static dev.para.dispatch.testing.Webhooks.exampleFor;
import static dev.para.dispatch.testing.Webhooks.newDeliveryId;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import dev.para.dispatch.testing.ApiTokens;
import io.quarkus.test.junit.QuarkusIntegrationTest;
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
        given().when().get("/q/health/ready").then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItems("GitHub App credentials", "kubernetes-sessions"));
    }

    @Test
    void takesWebhooksAndServesTheApi() {
        deliver("ping", newDeliveryId(), exampleFor("ping", 0, p -> {})).statusCode(202);
        given().header("Authorization", ApiTokens.bearer("packaged-app")).when().get("/api/v1/installations").then()
                .statusCode(200);
        given().when().get("/api/v1/sessions").then()
                .statusCode(401).contentType("application/problem+json");
    }

    @Test
    void exportsMetricsAndTheApiDescription() {
        given().header("Authorization", ApiTokens.bearer("packaged-app")).when().get("/api/v1/sessions").then()
                .statusCode(200);
        given().when().get("/q/metrics").then()
                .statusCode(200)
                .body(containsString("http_server_requests_seconds_bucket{"));
        given().queryParam("format", "json").when().get("/q/openapi").then()
                .statusCode(200)
                .body("paths.'/api/v1/sessions'.post", org.hamcrest.Matchers.notNullValue());
    }
}
