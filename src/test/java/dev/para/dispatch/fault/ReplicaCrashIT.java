package dev.para.dispatch.fault;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.para.dispatch.kubernetes.SessionJobBuilder;
import dev.para.dispatch.testing.Database;
import dev.para.dispatch.testing.Db;
import dev.para.dispatch.testing.GitHubStubs;
import dev.para.dispatch.testing.ProductionStart;
import dev.para.dispatch.testing.SessionFixtures;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * A replica killed (SIGKILL) right after it made a session's Job, before it recorded the launch:
 * started again, the service finds that Job instead of making a second one, and runs the session.
 */
@Execution(ExecutionMode.CONCURRENT)
class ReplicaCrashIT {

    @Test
    void aReplicaKilledAfterItsJobAppearsLeavesOneJobAndARunningSession() throws Exception {
        try (FaultCluster cluster = new FaultCluster(new Database(Db.database()))) {
            ProductionStart replica = cluster.startReplica(Map.of());
            SessionFixtures f = SessionFixtures.linked(cluster.github, cluster.db);
            // tokens come slowly: the launch makes the Job meanwhile, then waits for the token for its Secret
            // (long enough that a fresh replica on a busy machine has made the Job well before)
            var slowTokens = cluster.github.stubFor(post(urlEqualTo(GitHubStubs.tokensPath(f.installationId)))
                    .atPriority(1)
                    .willReturn(aResponse()
                            .withStatus(201)
                            .withHeader("Content-Type", "application/json")
                            .withFixedDelay(10_000)
                            .withBody(GitHubStubs.tokenAnswer(
                                    "ghs_crashTestSessionToken0000000000001",
                                    Instant.now().plus(Duration.ofHours(1))))));
            String id = given().port(replica.port)
                    .header("Authorization", f.bearer())
                    .contentType("application/json")
                    .body("{\"repository\":\"" + f.repository() + "\",\"prompt\":\"Crash me\"}")
                    .when()
                    .post("/api/v1/sessions")
                    .then()
                    .statusCode(202)
                    .extract()
                    .path("id");
            String job = SessionJobBuilder.jobName(UUID.fromString(id));
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> cluster.kubernetes
                                    .client()
                                    .batch()
                                    .v1()
                                    .jobs()
                                    .withName(job)
                                    .get()
                            != null);
            replica.kill();
            cluster.github.removeStub(slowTokens); // the restart gets its token at once
            assertEquals(
                    "QUEUED",
                    cluster.db
                            .query("SELECT state FROM sessions WHERE id = ?::uuid", id)
                            .get(0)
                            .get("state"),
                    "killed before it recorded the launch");

            ProductionStart restarted = cluster.startReplica(Map.of());
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> "RUNNING"
                            .equals(cluster.db
                                    .query("SELECT state FROM sessions WHERE id = ?::uuid", id)
                                    .get(0)
                                    .get("state")));
            assertEquals(
                    1,
                    cluster.kubernetes.client().batch().v1().jobs().list().getItems().stream()
                            .filter(j -> j.getMetadata().getName().equals(job))
                            .count());
            assertNotNull(
                    cluster.kubernetes.client().secrets().withName(job).get(), "its Secret was made by the restart");
            given().port(restarted.port)
                    .header("Authorization", f.bearer())
                    .get("/api/v1/sessions/" + id)
                    .then()
                    .statusCode(200);
        }
    }
}
