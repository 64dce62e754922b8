package dev.para.dispatch.registry;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import dev.para.dispatch.api.Cursor;
import dev.para.dispatch.testing.ApiTokens;
import dev.para.dispatch.testing.Db;
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

    /**
     * The attack: with write access to the database, copy another account's sealed credential into
     * your own row and have the service use it. It does not open there: a clear refusal, not the value.
     */
    @Test
    void aSealedCredentialCopiedToAnotherAccountDoesNotOpen() {
        String victim = "acct-" + java.util.UUID.randomUUID();
        as(victim)
                .contentType("application/json")
                .body("{\"kind\":\"anthropic-api-key\",\"value\":\"sk-ant-api03-victims\"}")
                .put("/api/v1/credentials/key")
                .then()
                .statusCode(201);
        as(account)
                .contentType("application/json")
                .body("{\"kind\":\"anthropic-api-key\",\"value\":\"sk-ant-api03-mine\"}")
                .put("/api/v1/credentials/key")
                .then()
                .statusCode(201);
        Db.query(
                "UPDATE credentials SET sealed_value = (SELECT sealed_value FROM credentials WHERE account_id = ? AND name = 'key')"
                        + " WHERE account_id = ? AND name = 'key'",
                victim,
                account);

        as(account)
                .contentType("application/json")
                .body("{\"image\":\"ghcr.io/acme/agent:1.0\",\"agentCredential\":\"key\"}")
                .put("/api/v1/agent-images/stolen")
                .then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("type", org.hamcrest.Matchers.equalTo("urn:para-dispatch:problem:credential-unreadable"))
                .body(org.hamcrest.Matchers.not(org.hamcrest.Matchers.containsString("victims")));
        dev.para.dispatch.testing.LogScan.assertNoSecrets("sk-ant-api03-victims");
    }

    @Test
    void credentialsListInPagesByName() {
        for (String name : new String[] {"e-key", "a-key", "d-key", "b-key", "c-key"}) {
            as(account)
                    .contentType("application/json")
                    .body("{\"kind\":\"anthropic-api-key\",\"value\":\"sk-ant-api03-x\"}")
                    .put("/api/v1/credentials/" + name)
                    .then()
                    .statusCode(201);
        }
        String next = as(account)
                .queryParam("limit", 2)
                .get("/api/v1/credentials")
                .then()
                .statusCode(200)
                .body("items.name", contains("a-key", "b-key"))
                .body("items[0].kind", equalTo("anthropic-api-key"))
                .extract()
                .path("next");
        next = as(account)
                .queryParam("limit", 2)
                .queryParam("cursor", next)
                .get("/api/v1/credentials")
                .then()
                .statusCode(200)
                .body("items.name", contains("c-key", "d-key"))
                .extract()
                .path("next");
        as(account)
                .queryParam("limit", 2)
                .queryParam("cursor", next)
                .get("/api/v1/credentials")
                .then()
                .statusCode(200)
                .body("items.name", contains("e-key"))
                .body("next", nullValue());

        as(account)
                .get("/api/v1/credentials")
                .then()
                .statusCode(200)
                .body("items.name", contains("a-key", "b-key", "c-key", "d-key", "e-key"))
                .body("next", nullValue());
        as("someone-else").get("/api/v1/credentials").then().statusCode(200).body("items", empty());
    }

    @Test
    void aCursorFromAnotherListOrALimitOutOfRangeIsAProblem() {
        // an installations cursor is a number; this list pages by name
        as(account)
                .queryParam("cursor", Cursor.encode(42))
                .get("/api/v1/credentials")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("cursor"));
        as(account)
                .queryParam("cursor", "%%%")
                .get("/api/v1/agent-images")
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("cursor"));
        as(account)
                .queryParam("limit", 0)
                .get("/api/v1/agent-images")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("limit"));
    }
}
