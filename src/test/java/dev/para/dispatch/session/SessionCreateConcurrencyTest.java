package dev.para.dispatch.session;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.para.dispatch.testing.Burst;
import dev.para.dispatch.testing.Db;
import dev.para.dispatch.testing.GitHubFake;
import dev.para.dispatch.testing.GitHubStubs;
import dev.para.dispatch.testing.SessionFixtures;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * Creates under concurrency: requests that share one token mint each keep their own database
 * session; a create that would wait on a lock answers 503 instead of hanging; no connection is left
 * idle in a transaction.
 */
@QuarkusTest
class SessionCreateConcurrencyTest {

    @GitHubFake.Inject
    WireMockServer github;

    @Inject
    Pool pool;

    /**
     * Creates at once (as many as the test profile's quota per installation lets run) on an
     * installation whose token is not cached yet: they all join one slow mint, and each then carries
     * on with its own Hibernate Reactive session (before, they carried on on the context of the
     * request that minted, and two of them used one session: a 500).
     */
    @Test
    void concurrentCreatesJoiningOneTokenMintAllSucceed() throws Exception {
        SessionFixtures f = SessionFixtures.linked(github);
        github.stubFor(post(urlEqualTo(GitHubStubs.tokensPath(f.installationId)))
                .atPriority(1)
                .willReturn(aResponse()
                        .withStatus(201)
                        .withHeader("Content-Type", "application/json")
                        .withFixedDelay(500)
                        .withBody(GitHubStubs.tokenAnswer(
                                "ghs_concurrentCreatesJoinOneMint0000000001",
                                Instant.now().plus(Duration.ofHours(1))))));
        int creates = ConfigProvider.getConfig().getValue("para.sessions.quota.per-installation", Integer.class);
        List<Integer> statuses = Burst.of(
                creates,
                n -> given().header("Authorization", f.bearer())
                        .contentType("application/json")
                        .body("{\"repository\":\"" + f.repository() + "\",\"prompt\":\"Concurrent " + n + "\"}")
                        .when()
                        .post("/api/v1/sessions")
                        .then()
                        .extract()
                        .statusCode());
        assertEquals(java.util.Collections.nCopies(creates, 202), statuses);
        assertEquals(creates, Db.count("SELECT count(*) FROM sessions WHERE account_id = ?", f.account));
        assertNothingIdleInTransaction();
    }

    /** A create that would wait on the installation's row lock gives up after lock_timeout: 503 + Retry-After. */
    @Test
    void aCreateThatWaitsOnALockAnswers503AndChangesNothing() throws Exception {
        SessionFixtures f = SessionFixtures.linked(github);
        String body = "{\"repository\":\"" + f.repository() + "\",\"prompt\":\"Blocked\"}";
        var config = ConfigProvider.getConfig();
        try (Connection holder = DriverManager.getConnection(
                config.getValue("quarkus.datasource.jdbc.url", String.class),
                config.getValue("quarkus.datasource.username", String.class),
                config.getValue("quarkus.datasource.password", String.class))) {
            holder.setAutoCommit(false);
            try (PreparedStatement lock = holder.prepareStatement(
                    "SELECT 1 FROM github_installations WHERE installation_id = ? FOR UPDATE")) {
                lock.setLong(1, f.installationId);
                lock.executeQuery();
            }
            long started = System.nanoTime();
            given().header("Authorization", f.bearer())
                    .contentType("application/json")
                    .body(body)
                    .when()
                    .post("/api/v1/sessions")
                    .then()
                    .statusCode(503)
                    .contentType("application/problem+json")
                    .header("Retry-After", "2")
                    .body("type", equalTo("urn:para-dispatch:problem:database-busy"));
            long waited = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
            assertTrue(waited < 20, "answered after lock_timeout, not after " + waited + " s");
            holder.rollback();
        }
        assertEquals(0, Db.count("SELECT count(*) FROM sessions WHERE account_id = ?", f.account));
        given().header("Authorization", f.bearer())
                .contentType("application/json")
                .body(body)
                .when()
                .post("/api/v1/sessions")
                .then()
                .statusCode(202);
        assertNothingIdleInTransaction();
    }

    /** Every connection of the service carries the limits that end stuck transactions and waits. */
    @Test
    void everyConnectionCarriesTheLimits() {
        var row = pool.query("SELECT current_setting('idle_in_transaction_session_timeout') AS idle,"
                        + " current_setting('lock_timeout') AS lock, current_setting('statement_timeout') AS statement")
                .execute()
                .await()
                .atMost(Duration.ofSeconds(10))
                .iterator()
                .next();
        assertEquals("30s", row.getString("idle"));
        assertEquals("10s", row.getString("lock"));
        assertEquals("30s", row.getString("statement"));
    }

    private static void assertNothingIdleInTransaction() {
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> Db.count(
                                "SELECT count(*) FROM pg_stat_activity WHERE state LIKE 'idle in transaction%' AND pid <> pg_backend_pid()")
                        == 0);
    }
}
