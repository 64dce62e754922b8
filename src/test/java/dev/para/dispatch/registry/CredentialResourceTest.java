package dev.para.dispatch.registry;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import dev.para.dispatch.api.Cursor;
import dev.para.dispatch.testing.ApiTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Listing credentials: the API's list shape, paged by name, scoped to the caller. */
@QuarkusTest
class CredentialResourceTest {

    final String account = "acct-" + UUID.randomUUID();

    RequestSpecification as(String account) {
        return given().header("Authorization", ApiTokens.bearer(account));
    }

    @Test
    void credentialsListInPagesByName() {
        for (String name : new String[] {"e-key", "a-key", "d-key", "b-key", "c-key"}) {
            as(account).contentType("application/json").body("{\"kind\":\"anthropic-api-key\",\"value\":\"sk-ant-api03-x\"}")
                    .put("/api/v1/credentials/" + name).then().statusCode(201);
        }
        String next = as(account).queryParam("limit", 2).get("/api/v1/credentials").then().statusCode(200)
                .body("items.name", contains("a-key", "b-key")).body("items[0].kind", equalTo("anthropic-api-key"))
                .extract().path("next");
        next = as(account).queryParam("limit", 2).queryParam("cursor", next).get("/api/v1/credentials").then()
                .statusCode(200).body("items.name", contains("c-key", "d-key")).extract().path("next");
        as(account).queryParam("limit", 2).queryParam("cursor", next).get("/api/v1/credentials").then()
                .statusCode(200).body("items.name", contains("e-key")).body("next", nullValue());

        as(account).get("/api/v1/credentials").then().statusCode(200)
                .body("items.name", contains("a-key", "b-key", "c-key", "d-key", "e-key")).body("next", nullValue());
        as("someone-else").get("/api/v1/credentials").then().statusCode(200).body("items", empty());
    }

    @Test
    void aCursorFromAnotherListOrALimitOutOfRangeIsAProblem() {
        // an installations cursor is a number; this list pages by name
        as(account).queryParam("cursor", Cursor.encode(42)).get("/api/v1/credentials").then()
                .statusCode(400).contentType("application/problem+json").body("errors[0].field", equalTo("cursor"));
        as(account).queryParam("cursor", "%%%").get("/api/v1/agent-images").then()
                .statusCode(400).body("errors[0].field", equalTo("cursor"));
        as(account).queryParam("limit", 0).get("/api/v1/agent-images").then()
                .statusCode(400).contentType("application/problem+json").body("errors[0].field", equalTo("limit"));
    }
}
