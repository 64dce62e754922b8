package dev.para.dispatch.api;

import static dev.para.dispatch.testing.Webhooks.deliver;
import static dev.para.dispatch.testing.Webhooks.exampleFor;
import static dev.para.dispatch.testing.Webhooks.newDeliveryId;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.para.dispatch.testing.ApiTokens;
import io.quarkus.test.junit.QuarkusTest;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class RequestIdsTest {

    private static final String UUID_SHAPE = "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}";

    @Test
    void anIdGivenByTheCallerIsAnsweredBack() {
        given().header("Authorization", ApiTokens.bearer("acct-" + UUID.randomUUID()))
                .header("X-Request-Id", "lb-7f3a.2:1")
                .when()
                .get("/api/v1/installations")
                .then()
                .statusCode(200)
                .header("X-Request-Id", equalTo("lb-7f3a.2:1"));
    }

    @Test
    void everyAnswerHasOneEvenAnErrorOrAWebhook() {
        given().when()
                .get("/api/v1/installations")
                .then()
                .statusCode(401)
                .header("X-Request-Id", matchesPattern(UUID_SHAPE));
        deliver("ping", newDeliveryId(), exampleFor("ping", 0, p -> {}))
                .statusCode(202)
                .header("X-Request-Id", matchesPattern(UUID_SHAPE));
    }

    @Test
    void anIdThatCouldForgeALogLineIsReplaced() {
        given().header("X-Request-Id", "abc\" \"level\":\"ERROR")
                .when()
                .get("/q/health/live")
                .then()
                .statusCode(200)
                .header("X-Request-Id", matchesPattern(UUID_SHAPE));
        given().header("X-Request-Id", "x".repeat(129))
                .when()
                .get("/q/health/live")
                .then()
                .header("X-Request-Id", not(equalTo("x".repeat(129))));
    }

    @Test
    void newIdsAreVersion4UuidsAndDiffer() {
        String a = RequestIds.newId();
        String b = RequestIds.newId();
        assertNotEquals(a, b);
        assertEquals(4, UUID.fromString(a).version());
        assertEquals(2, UUID.fromString(a).variant());
    }
}
