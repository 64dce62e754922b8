package dev.para.dispatch.api;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.para.dispatch.testing.Webhooks.deliver;
import static dev.para.dispatch.testing.Webhooks.exampleFor;
import static dev.para.dispatch.testing.Webhooks.newDeliveryId;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.para.dispatch.github.InstallationTokenService;
import dev.para.dispatch.github.TokenNarrowing;
import dev.para.dispatch.testing.ApiTokens;
import dev.para.dispatch.testing.GitHubFake;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Health, metrics, OpenAPI and the error format: what operators and clients rely on. */
@QuarkusTest
class PlatformEndpointsTest {

    @Test
    void readinessCoversTheDatabaseAndTheAppKey() {
        given().when()
                .get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("GitHub App credentials"))
                .body("checks.name", hasItem(containsString("PostgreSQL")))
                .body(not(containsString("PRIVATE KEY")));
        given().when().get("/q/health/live").then().statusCode(200);
    }

    @GitHubFake.Inject
    WireMockServer github;

    @Inject
    InstallationTokenService tokens;

    @Test
    void metricsHaveLatencyHistogramsAndDeliveryCounters() {
        deliver("ping", newDeliveryId(), exampleFor("ping", 0, p -> {})).statusCode(202);
        long installation = 770_000_000L + System.nanoTime() % 1_000_000;
        github.stubFor(post(urlEqualTo("/app/installations/" + installation + "/access_tokens"))
                .willReturn(aResponse()
                        .withStatus(201)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"token\":\"ghs_metricsTestToken0000000000000000000\",\"expires_at\":\""
                                + Instant.now().plus(Duration.ofHours(1)) + "\"}")));
        tokens.token(installation, TokenNarrowing.none()).await().atMost(Duration.ofSeconds(10));
        given().header("Authorization", ApiTokens.bearer("metrics-test"))
                .when()
                .get("/api/v1/installations")
                .then()
                .statusCode(200);
        given().when()
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .body(containsString("http_server_requests_seconds_bucket{"))
                .body(containsString("le=\"0.01\""))
                .body(containsString("para_webhook_deliveries_total{event=\"ping\",outcome=\"accepted\"}"))
                .body(
                        containsString(
                                "para_github_request_seconds_bucket{operation=\"create_installation_token\",outcome=\"success\",le=\"0.1\"}"))
                .body(containsString("para_token_mint_seconds_bucket{"))
                .body(not(containsString("installation_id=")));
    }

    @Test
    void openApiDescribesTheApi() {
        given().queryParam("format", "json")
                .when()
                .get("/q/openapi")
                .then()
                .statusCode(200)
                .body("paths.'/api/v1/installations'.get", org.hamcrest.Matchers.notNullValue())
                .body("paths.'/github/webhook'.post", org.hamcrest.Matchers.notNullValue());
    }

    /** The problem catalogue is in the OpenAPI document: every type clients may switch on. */
    @Test
    void theOpenApiDocumentListsEveryProblemType() {
        java.util.List<String> types = given().queryParam("format", "json")
                .when()
                .get("/q/openapi")
                .then()
                .statusCode(200)
                .extract()
                .path("components.schemas.Problem.properties.type.enum");
        org.junit.jupiter.api.Assertions.assertEquals(
                java.util.Arrays.stream(ProblemType.values())
                        .map(ProblemType::uri)
                        .toList(),
                types);
    }

    /** A token the same issuer made for another application, or naming no plain account, is refused. */
    @Test
    void tokensForAnotherAudienceOrWithoutAPlainAccountAre401() {
        String otherAudience = io.smallrye.jwt.build.Jwt.issuer("para-dispatch")
                .audience("another-app")
                .subject("acct-aud")
                .expiresIn(java.time.Duration.ofMinutes(5))
                .sign("jwt/private-key.pem");
        given().header("Authorization", "Bearer " + otherAudience)
                .when()
                .get("/api/v1/sessions")
                .then()
                .statusCode(401)
                .contentType("application/problem+json");
        String noAudience = io.smallrye.jwt.build.Jwt.issuer("para-dispatch")
                .subject("acct-aud")
                .expiresIn(java.time.Duration.ofMinutes(5))
                .sign("jwt/private-key.pem");
        given().header("Authorization", "Bearer " + noAudience)
                .when()
                .get("/api/v1/sessions")
                .then()
                .statusCode(401);
        given().header("Authorization", ApiTokens.bearer("acct/../other"))
                .when()
                .get("/api/v1/sessions")
                .then()
                .statusCode(401)
                .contentType("application/problem+json")
                .body("detail", containsString("not an account id"));
        given().header("Authorization", ApiTokens.bearer("acct-aud"))
                .when()
                .get("/api/v1/sessions")
                .then()
                .statusCode(200);
    }

    @Test
    void unknownPathsAndMethodsAreProblems() {
        given().when()
                .get("/api/v1/nothing-here")
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:para-dispatch:problem:not-found"))
                .body(not(containsString("Exception")));
        given().header("Authorization", ApiTokens.bearer("x"))
                .when()
                .delete("/api/v1/installations")
                .then()
                .statusCode(405)
                .contentType("application/problem+json");
    }
}
