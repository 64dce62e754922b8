package dev.para.dispatch.session;

import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.para.dispatch.testing.GitHubFake;
import dev.para.dispatch.testing.GitHubStubs;
import dev.para.dispatch.testing.KubernetesMock;
import dev.para.dispatch.testing.SessionFixtures;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.config.HttpClientConfig;
import io.restassured.config.RestAssuredConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** {@code para.dry-run}: a session runs through its states and nothing is made in the cluster. */
@QuarkusTest
@TestProfile(DryRunTest.DryRun.class)
class DryRunTest {

    public static class DryRun implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return KubernetesMock.configWith(Map.of("para.dry-run", "true"));
        }
    }

    @GitHubFake.Inject
    WireMockServer github;

    @Test
    void aSessionEndsWithoutAnythingCreated() {
        SessionFixtures f = SessionFixtures.linked(github);
        UUID id = f.create(2, "Only pretend");
        SessionLifecycleTest.awaitSession(f, id, "SUCCEEDED");
        given().header("Authorization", f.bearer())
                .get("/api/v1/sessions/" + id)
                .then()
                .body("instances[0].reason", equalTo("dry run: nothing was created"))
                .body("instances[1].pushed", equalTo(false));
        assertNull(KubernetesMock.client()
                .batch()
                .v1()
                .jobs()
                .withName("para-" + id)
                .get());
        assertNull(KubernetesMock.client().secrets().withName("para-" + id).get());
    }

    /**
     * Dry run mints no token (so the launcher has none to wait for on an event loop), and twenty
     * sessions in a row leave every event loop free: liveness still answers.
     */
    @Test
    void manySessionsMintNothingAndLeaveTheEventLoopsFree() {
        SessionFixtures f = SessionFixtures.linked(github);
        int revokedBefore = github.findAll(deleteRequestedFor(urlEqualTo("/installation/token")))
                .size();
        List<UUID> ids = new ArrayList<>();
        for (int n = 0; n < 20; n++) {
            ids.add(f.create(1, "Pretend " + n));
        }
        for (UUID id : ids) {
            SessionLifecycleTest.awaitSession(f, id, "SUCCEEDED");
        }
        for (int n = 0; n < 5; n++) {
            given().config(RestAssuredConfig.config()
                            .httpClient(HttpClientConfig.httpClientConfig()
                                    .setParam("http.socket.timeout", 2000)
                                    .setParam("http.connection.timeout", 2000)))
                    .get("/q/health/live")
                    .then()
                    .statusCode(200);
        }
        assertEquals(
                0,
                github.findAll(postRequestedFor(urlEqualTo(GitHubStubs.tokensPath(f.installationId))))
                        .size(),
                "dry run mints no installation token");
        assertEquals(
                revokedBefore,
                github.findAll(deleteRequestedFor(urlEqualTo("/installation/token")))
                        .size(),
                "and so revokes none");
    }
}
