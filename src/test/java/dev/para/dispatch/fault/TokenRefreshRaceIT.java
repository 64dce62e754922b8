package dev.para.dispatch.fault;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.para.dispatch.testing.Database;
import dev.para.dispatch.testing.Db;
import dev.para.dispatch.testing.GitHubStubs;
import dev.para.dispatch.testing.ProductionStart;
import dev.para.dispatch.testing.SessionFixtures;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * Two replicas whose refreshers both look for due tokens every second: each token is refreshed
 * once per window (claimed in PostgreSQL), not once by each replica.
 */
@Execution(ExecutionMode.CONCURRENT)
class TokenRefreshRaceIT {

    /** Tokens live 70 s and are refreshed within 60 s of their end: one refresh per 10 s window. */
    static final long WINDOW_SECONDS = 10;

    static final int SESSIONS = 2;

    @Test
    void eachTokenIsRefreshedOncePerWindowByBothReplicasTogether() throws Exception {
        try (FaultCluster cluster = new FaultCluster(new Database(Db.database()))) {
            List<ProductionStart> replicas = cluster.startReplicas(
                    2,
                    Map.of(
                            "PARA_SESSIONS_TOKEN_REFRESH_INTERVAL", "1s",
                            "PARA_SESSIONS_TOKEN_REFRESH_BUFFER", "60s"));
            SessionFixtures f = SessionFixtures.linked(cluster.github, cluster.db);
            String mints = GitHubStubs.tokensPath(f.installationId);
            cluster.github.stubFor(post(urlEqualTo(mints))
                    .atPriority(1)
                    .willReturn(aResponse()
                            .withStatus(201)
                            .withHeader("Content-Type", "application/json")
                            .withBody(GitHubStubs.fixture("installation-token")
                                    .replace(
                                            "ghs_16C7e42F292c6912E7710c838347Ae178B4a",
                                            "ghs_{{randomValue length=36 type='ALPHANUMERIC'}}")
                                    .replace("2016-07-11T22:14:10Z", "{{now offset='70 seconds'}}"))
                            .withTransformers("response-template")));
            for (int i = 0; i < SESSIONS; i++) {
                given().port(replicas.get(i % 2).port)
                        .header("Authorization", f.bearer())
                        .contentType("application/json")
                        .body("{\"repository\":\"" + f.repository() + "\",\"prompt\":\"Refresh " + i + "\"}")
                        .when()
                        .post("/api/v1/sessions")
                        .then()
                        .statusCode(202);
            }
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> cluster.db.count(
                                    "SELECT count(*) FROM sessions WHERE account_id = ? AND state = 'RUNNING'",
                                    f.account)
                            == SESSIONS);
            // the refreshers start 20 s after their replica; watch whole windows after that
            Thread.sleep(22_000);
            int before =
                    cluster.github.findAll(postRequestedFor(urlEqualTo(mints))).size();
            long started = System.nanoTime();
            Thread.sleep(40_000);
            int refreshes =
                    cluster.github.findAll(postRequestedFor(urlEqualTo(mints))).size() - before;
            double windows = (System.nanoTime() - started) / 1e9 / WINDOW_SECONDS;
            // at least some refreshes of each token; twice as many would mean both replicas refreshed it
            assertTrue(
                    refreshes >= SESSIONS * windows / 2 && refreshes <= SESSIONS * (windows + 1),
                    refreshes + " refreshes of " + SESSIONS + " tokens in " + windows
                            + " windows (twice as many: raced)");
        }
    }
}
