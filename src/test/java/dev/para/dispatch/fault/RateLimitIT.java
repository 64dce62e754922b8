package dev.para.dispatch.fault;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import dev.para.dispatch.testing.Database;
import dev.para.dispatch.testing.Db;
import dev.para.dispatch.testing.GitHubStubs;
import dev.para.dispatch.testing.ProductionStart;
import dev.para.dispatch.testing.SessionFixtures;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * GitHub answering 429 to every mint, without saying when it ends (a secondary limit), for 30
 * seconds, with two replicas and sessions waiting to launch: the replicas call GitHub about once
 * per limit window between them, readiness says rate-limited, and every session launches once
 * GitHub answers again.
 */
@Execution(ExecutionMode.CONCURRENT)
class RateLimitIT {

    static final Duration FAULT = Duration.ofSeconds(30);
    static final long WINDOW_SECONDS = 5;

    @Test
    void callsFallToOnePerLimitWindowAndSessionsLaunchAfterTheFault() throws Exception {
        try (FaultCluster cluster = new FaultCluster(new Database(Db.database()))) {
            List<ProductionStart> replicas = cluster.startReplicas(
                    2,
                    Map.of(
                            "PARA_GITHUB_RETRY_SECONDARY_LIMIT_WAIT",
                            WINDOW_SECONDS + "s",
                            "PARA_GITHUB_RETRY_MAX_RATE_LIMIT_WAIT",
                            "1s"));
            SessionFixtures f = SessionFixtures.linked(cluster.github, cluster.db);
            // one session per replica before the fault: each replica has its read token for creates cached
            for (ProductionStart replica : replicas) {
                create(replica, f, "before the fault");
            }
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> cluster.db.count(
                                    "SELECT count(*) FROM sessions WHERE account_id = ? AND state = 'RUNNING'",
                                    f.account)
                            == 2);

            String mints = GitHubStubs.tokensPath(f.installationId);
            StubMapping limited = cluster.github.stubFor(post(urlEqualTo(mints))
                    .atPriority(1)
                    .willReturn(aResponse()
                            .withStatus(429)
                            .withHeader("Content-Type", "application/json")
                            .withBody("{\"message\":\"You have exceeded a secondary rate limit.\"}")));
            int before =
                    cluster.github.findAll(postRequestedFor(urlEqualTo(mints))).size();
            long started = System.nanoTime();
            for (int i = 0; i < 6; i++) {
                create(replicas.get(i % 2), f, "during the fault " + i);
            }
            AtomicBoolean saidSo = new AtomicBoolean();
            await().atMost(FAULT).pollInterval(Duration.ofMillis(500)).until(() -> {
                for (ProductionStart replica : replicas) {
                    String ready = given().port(replica.port)
                            .get("/q/health/ready")
                            .then()
                            .statusCode(200)
                            .extract()
                            .asString();
                    saidSo.compareAndSet(false, ready.contains("rate-limited until"));
                }
                return System.nanoTime() - started >= FAULT.toNanos();
            });
            int calls =
                    cluster.github.findAll(postRequestedFor(urlEqualTo(mints))).size() - before;
            double seconds = (System.nanoTime() - started) / 1e9;
            assertTrue(saidSo.get(), "readiness data said the App is rate-limited");
            // about one call per window for both replicas together (and one each that met the limit first)
            assertTrue(
                    calls >= 1 && calls <= seconds / WINDOW_SECONDS + 3,
                    calls + " mint calls into a " + WINDOW_SECONDS + " s limit in " + seconds + " s");
            assertTrue(
                    cluster.db.count(
                                    "SELECT count(*) FROM sessions WHERE account_id = ? AND state = 'QUEUED'"
                                            + " AND launch_attempts <= 1",
                                    f.account)
                            == 6,
                    "the sessions wait without spending attempts");

            cluster.github.removeStub(limited);
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> cluster.db.count(
                                    "SELECT count(*) FROM sessions WHERE account_id = ? AND state = 'RUNNING'",
                                    f.account)
                            == 8);
        }
    }

    private static void create(ProductionStart replica, SessionFixtures f, String prompt) {
        given().port(replica.port)
                .header("Authorization", f.bearer())
                .contentType("application/json")
                .body("{\"repository\":\"" + f.repository() + "\",\"prompt\":\"" + prompt + "\"}")
                .when()
                .post("/api/v1/sessions")
                .then()
                .body(containsString("\"id\""))
                .statusCode(202);
    }
}
