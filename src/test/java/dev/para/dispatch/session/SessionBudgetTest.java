package dev.para.dispatch.session;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.para.dispatch.testing.Db;
import dev.para.dispatch.testing.GitHubFake;
import dev.para.dispatch.testing.KubernetesMock;
import dev.para.dispatch.testing.SessionFixtures;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Budgets at the levels a create meets them: a session may reserve at most
 * {@code max-per-session} (instances × each one's budget, else 422 naming the numbers), and an
 * installation's day (UTC) holds the costs reported since midnight plus the budgets of instances
 * still going (else 429 with a Retry-After until midnight). The agent's own stop at its budget
 * is the entrypoint's (EntrypointTest, LocalRuntimeTest).
 */
@QuarkusTest
@TestProfile(SessionBudgetTest.Budgets.class)
class SessionBudgetTest {

    public static class Budgets implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return KubernetesMock.configWith(Map.of(
                    "para.sessions.budget.max-per-session", "5",
                    "para.sessions.budget.per-installation-day", "10"));
        }
    }

    @GitHubFake.Inject
    WireMockServer github;

    private static Response create(SessionFixtures f, int instances, String budget) {
        return given().header("Authorization", f.bearer())
                .contentType("application/json")
                .body("{\"repository\":\"" + f.repository() + "\",\"prompt\":\"Spend wisely\",\"instances\":"
                        + instances + (budget == null ? "" : ",\"budgetUsd\":" + budget) + "}")
                .post("/api/v1/sessions");
    }

    private static JsonPath usage(SessionFixtures f) {
        return given().header("Authorization", f.bearer())
                .get("/api/v1/usage")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    @Test
    void aSessionThatWouldReserveMoreThanItsLimitIsRefusedNamingTheNumbers() {
        SessionFixtures f = SessionFixtures.linked(github);
        create(f, 3, "2.00")
                .then()
                .statusCode(422)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:para-dispatch:problem:budget-over-session-limit"))
                .body("detail", equalTo("3 instance(s) × $2.00 = $6.00 is more than a session may spend, $5.00"));
        create(f, 1, null)
                .then()
                .statusCode(422)
                .body("detail", startsWith("A session may spend at most $5.00: give budgetUsd"));
        create(f, 1, "0.001").then().statusCode(400).body("errors[0].field", equalTo("budgetUsd"));
        create(f, 1, "\"2\"").then().statusCode(400);
        assertEquals(0, Db.count("SELECT count(*) FROM sessions WHERE account_id = ?", f.account), "nothing created");
        create(f, 2, "2.50").then().statusCode(202).body("budgetUsd", equalTo(2.5f));
    }

    @Test
    void anInstallationsDayHoldsItsCostsAndReservationsThenAnswers429UntilMidnight() {
        SessionFixtures f = SessionFixtures.linked(github);
        UUID first = UUID.fromString(
                create(f, 2, "2.00").then().statusCode(202).extract().path("id"));
        // both of its instances ended today, having cost $3 each
        Db.query(
                "UPDATE session_instances SET state = 'SUCCEEDED', cost_usd = 3, finished_at = now() WHERE session_id = ?",
                first);
        Db.query("UPDATE sessions SET state = 'SUCCEEDED', finished_at = now() WHERE id = ?", first);

        create(f, 2, "2.00").then().statusCode(202); // $6 spent + $4 reserved: exactly the day's $10
        Response refused = create(f, 1, "0.01");
        refused.then()
                .statusCode(429)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:para-dispatch:problem:daily-budget-spent"))
                .body(
                        "detail",
                        equalTo("The installation on " + f.owner + " may spend $10.00 a day (UTC): $6.00 spent and"
                                + " $4.00 reserved by instances still running leave $0.00, and this session asks"
                                + " for $0.01. Try again after midnight UTC."));
        long untilMidnight = Duration.between(
                        Instant.now(),
                        Instant.now().truncatedTo(ChronoUnit.DAYS).plus(1, ChronoUnit.DAYS))
                .toSeconds();
        long retryAfter = Long.parseLong(refused.header("Retry-After"));
        assertTrue(Math.abs(retryAfter - untilMidnight) <= 5, retryAfter + " s, not until midnight: " + untilMidnight);

        JsonPath usage = usage(f);
        assertEquals(6.0, usage.getDouble("spentUsd"), 1e-9);
        assertEquals(4.0, usage.getDouble("reservedUsd"), 1e-9);
        assertEquals(1, usage.getList("installations").size());
        assertEquals(f.installationId, usage.getLong("installations[0].installationId"));
        assertEquals(10.0, usage.getDouble("installations[0].limitUsd"), 1e-9);
        assertEquals(0.0, usage.getDouble("installations[0].leftUsd"), 1e-9);

        // yesterday's costs are not today's
        Db.query("UPDATE session_instances SET finished_at = now() - interval '1 day' WHERE session_id = ?", first);
        create(f, 1, "0.01").then().statusCode(202);
        assertEquals(0.0, usage(f).getDouble("spentUsd"), 1e-9);

        // another account sees none of it
        JsonPath theirs = usage(SessionFixtures.linked(github));
        assertEquals(0.0, theirs.getDouble("spentUsd"), 1e-9);
        assertEquals(0, theirs.getList("installations").size());
    }
}
