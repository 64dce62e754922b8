package dev.para.dispatch.installation;

import static dev.para.dispatch.testing.Webhooks.deliver;
import static dev.para.dispatch.testing.Webhooks.exampleFor;
import static dev.para.dispatch.testing.Webhooks.newDeliveryId;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

import dev.para.dispatch.testing.ApiTokens;
import dev.para.dispatch.testing.Db;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

@QuarkusTest
class InstallationResourceTest {

    private static final AtomicLong IDS = new AtomicLong(System.nanoTime() % 1_000_000_000L * 1000);

    /** An installation created by GitHub's webhook, then linked to the account (as the setup flow does). */
    static long installationOf(String account) {
        long id = IDS.incrementAndGet();
        String delivery = newDeliveryId();
        deliver("installation", delivery, exampleFor("installation.created", id, p -> {}))
                .statusCode(202);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> Db.count("SELECT count(*) FROM github_installations WHERE installation_id = ?", id) == 1);
        Db.query("UPDATE github_installations SET account_id = ? WHERE installation_id = ?", account, id);
        return id;
    }

    static String newAccount() {
        return "acct-" + UUID.randomUUID();
    }

    @Test
    void theCallerSeesItsOwnInstallationWithItsRepositories() {
        String account = newAccount();
        long id = installationOf(account);
        given().header("Authorization", ApiTokens.bearer(account))
                .when()
                .get("/api/v1/installations/" + id)
                .then()
                .statusCode(200)
                .body("id", equalTo(id))
                .body("githubAccount", equalTo("Codertocat"))
                .body("githubAccountType", equalTo("User"))
                .body("repositorySelection", equalTo("selected"))
                .body("repositories", contains("Codertocat/Hello-World"))
                .body("permissions.contents", equalTo("write"))
                .body("suspended", equalTo(false));
    }

    @Test
    void anotherAccountsInstallationIsNotFound() {
        long id = installationOf(newAccount());
        String intruder = newAccount();
        given().header("Authorization", ApiTokens.bearer(intruder))
                .when()
                .get("/api/v1/installations/" + id)
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:para-dispatch:problem:not-found"));
        given().header("Authorization", ApiTokens.bearer(intruder))
                .when()
                .get("/api/v1/installations")
                .then()
                .statusCode(200)
                .body("items", hasSize(0))
                .body("next", nullValue());
    }

    @Test
    void listsPageWithACursor() {
        String account = newAccount();
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(installationOf(account));
        }
        String next = given().header("Authorization", ApiTokens.bearer(account))
                .queryParam("limit", 2)
                .when()
                .get("/api/v1/installations")
                .then()
                .statusCode(200)
                .body("items.id", contains(ids.get(0), ids.get(1)))
                .extract()
                .path("next");
        next = given().header("Authorization", ApiTokens.bearer(account))
                .queryParam("limit", 2)
                .queryParam("cursor", next)
                .when()
                .get("/api/v1/installations")
                .then()
                .statusCode(200)
                .body("items.id", contains(ids.get(2), ids.get(3)))
                .extract()
                .path("next");
        given().header("Authorization", ApiTokens.bearer(account))
                .queryParam("limit", 2)
                .queryParam("cursor", next)
                .when()
                .get("/api/v1/installations")
                .then()
                .statusCode(200)
                .body("items.id", contains(ids.get(4)))
                .body("next", nullValue());
    }

    @Test
    void badRequestsAreProblemsThatNameTheField() {
        String token = ApiTokens.bearer(newAccount());
        given().header("Authorization", token)
                .queryParam("limit", 0)
                .when()
                .get("/api/v1/installations")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:para-dispatch:problem:validation"))
                .body("errors[0].field", equalTo("limit"));
        given().header("Authorization", token)
                .queryParam("cursor", "not-a-cursor")
                .when()
                .get("/api/v1/installations")
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("cursor"));
        given().header("Authorization", token)
                .when()
                .get("/api/v1/installations/not-a-number")
                .then()
                .statusCode(404)
                .contentType("application/problem+json");
    }

    @Test
    void withoutAValidTokenTheAnswerIs401() {
        given().when()
                .get("/api/v1/installations")
                .then()
                .statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", "Bearer")
                .body("type", equalTo("urn:para-dispatch:problem:unauthorized"));
        given().header("Authorization", "Bearer not.a.jwt")
                .when()
                .get("/api/v1/installations")
                .then()
                .statusCode(401)
                .contentType("application/problem+json");
    }
}
