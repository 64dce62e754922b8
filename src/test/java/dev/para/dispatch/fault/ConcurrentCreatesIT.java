package dev.para.dispatch.fault;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.para.dispatch.kubernetes.SessionJobBuilder;
import dev.para.dispatch.testing.Burst;
import dev.para.dispatch.testing.Database;
import dev.para.dispatch.testing.Db;
import dev.para.dispatch.testing.GitHubStubs;
import dev.para.dispatch.testing.ProductionStart;
import dev.para.dispatch.testing.SessionFixtures;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * A burst of creates on two freshly started replicas (their token caches cold): every create is
 * accepted, every session gets exactly one Job and runs, and no connection is left in a transaction.
 */
@Isolated("a burst of creates measures the service, not the machine: nothing else runs meanwhile")
class ConcurrentCreatesIT {

    static final int CREATES = 50;

    @Test
    void fiftyCreatesOnTwoFreshReplicasEachLaunchOnce() throws Exception {
        try (FaultCluster cluster = new FaultCluster(new Database(Db.database()))) {
            List<ProductionStart> replicas = cluster.startReplicas(2, Map.of());
            SessionFixtures f = SessionFixtures.linked(cluster.github, cluster.db);
            // a slow mint, so that the creates on each replica join one another's
            cluster.github.stubFor(post(urlEqualTo(GitHubStubs.tokensPath(f.installationId)))
                    .atPriority(1)
                    .willReturn(aResponse()
                            .withStatus(201)
                            .withHeader("Content-Type", "application/json")
                            .withFixedDelay(300)
                            .withBody(GitHubStubs.tokenAnswer(
                                    "ghs_{{randomValue length=36 type='ALPHANUMERIC'}}",
                                    Instant.now().plus(Duration.ofHours(1))))
                            .withTransformers("response-template")));

            List<String> ids = Collections.synchronizedList(new ArrayList<>());
            List<Integer> statuses = Burst.of(CREATES, n -> {
                var response = given().port(replicas.get(n % 2).port)
                        .header("Authorization", f.bearer())
                        .contentType("application/json")
                        .body("{\"repository\":\"" + f.repository() + "\",\"prompt\":\"Burst " + n + "\"}")
                        .when()
                        .post("/api/v1/sessions")
                        .then()
                        .extract();
                if (response.statusCode() == 202) {
                    ids.add(response.path("id"));
                }
                return response.statusCode();
            });
            assertEquals(
                    Collections.nCopies(CREATES, 202),
                    statuses,
                    () -> replicas.get(0).output());

            await().atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> cluster.db.count(
                                    "SELECT count(*) FROM sessions WHERE account_id = ? AND state = 'RUNNING'",
                                    f.account)
                            == CREATES);
            var jobs = cluster.kubernetes.client().batch().v1().jobs().list().getItems();
            for (String id : ids) {
                String name = SessionJobBuilder.jobName(UUID.fromString(id));
                assertEquals(
                        1,
                        jobs.stream()
                                .filter(j -> j.getMetadata().getName().equals(name))
                                .count(),
                        name);
            }
            assertEquals(
                    0,
                    cluster.db.count("SELECT count(*) FROM pg_stat_activity WHERE state LIKE 'idle in transaction%'"
                            + " AND datname = current_database() AND pid <> pg_backend_pid()"));
        }
    }
}
