package dev.para.dispatch.session;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.para.dispatch.kubernetes.SessionJobBuilder;
import dev.para.dispatch.testing.Db;
import dev.para.dispatch.testing.GitHubFake;
import dev.para.dispatch.testing.KubernetesMock;
import dev.para.dispatch.testing.SessionFixtures;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class SessionLaunchTest {

    @GitHubFake.Inject
    WireMockServer github;

    @Test
    void aCreatedSessionGetsOneIndexedJobAndASecretOwnedByIt() {
        SessionFixtures f = SessionFixtures.linked(github);
        String location = given().header("Authorization", f.bearer())
                .contentType("application/json")
                .body("{\"repository\":\"" + f.repository() + "\",\"prompt\":\"Fix the README\",\"instances\":3,"
                        + "\"name\":\"readme\",\"timeoutMinutes\":30,\"maxTurns\":7}")
                .when()
                .post("/api/v1/sessions")
                .then()
                .statusCode(202)
                .header("Location", startsWith("http"))
                .body("state", equalTo("QUEUED"))
                .body("repository", equalTo(f.repository()))
                .body("sourceBranch", equalTo("main"))
                .body("instances", hasSize(3))
                .body("instances.state", everyItem(equalTo("QUEUED")))
                .body("instances[1].branch", startsWith("para/readme_"))
                .extract()
                .header("Location");
        UUID id = UUID.fromString(location.substring(location.lastIndexOf('/') + 1));

        Job job = await().atMost(Duration.ofSeconds(20))
                .until(
                        () -> KubernetesMock.client()
                                .batch()
                                .v1()
                                .jobs()
                                .withName("para-" + id)
                                .get(),
                        j -> j != null);
        assertEquals("Indexed", job.getSpec().getCompletionMode());
        assertEquals(3, job.getSpec().getCompletions());
        // The image has no credential file: its own login is checked by one pod before the others.
        assertEquals(1, job.getSpec().getParallelism());
        assertEquals(0, job.getSpec().getBackoffLimitPerIndex());
        assertEquals(30 * 60L, job.getSpec().getActiveDeadlineSeconds());
        Secret secret = await().atMost(Duration.ofSeconds(10))
                .until(
                        () -> KubernetesMock.client()
                                .secrets()
                                .withName("para-" + id)
                                .get(),
                        s -> s != null);
        assertNotNull(secret);
        assertEquals(
                job.getMetadata().getUid(),
                secret.getMetadata().getOwnerReferences().get(0).getUid());
        assertEquals("Fix the README", decode(secret, SessionJobBuilder.PROMPT_KEY));
        String token = decode(secret, SessionJobBuilder.TOKEN_KEY);
        assertTrue(token.startsWith("ghs_"));
        assertFalse(KubernetesMock.client().resource(job).get().toString().contains(token), "the token is in the Job");
        assertNotNull(KubernetesMock.client()
                .configMaps()
                .withName(job.getSpec().getTemplate().getSpec().getVolumes().stream()
                        .filter(v -> v.getConfigMap() != null)
                        .findFirst()
                        .orElseThrow()
                        .getConfigMap()
                        .getName())
                .get());

        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> given().header("Authorization", f.bearer())
                        .when()
                        .get(location)
                        .then()
                        .statusCode(200)
                        .body("state", equalTo("RUNNING"))
                        .body("instances.state", everyItem(equalTo("PENDING"))));
        String body =
                given().header("Authorization", f.bearer()).when().get(location).asString();
        assertFalse(body.contains(token), "the token is in the API response");
        assertEquals(
                1,
                Db.count(
                        "SELECT count(*) FROM sessions WHERE id = ? AND sealed_token IS NOT NULL"
                                + " AND sealed_token NOT LIKE ?",
                        id,
                        "%" + token + "%"));
    }

    private static String decode(Secret secret, String key) {
        return new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
    }
}
