package dev.para.dispatch.session;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.para.dispatch.testing.GitHubFake;
import dev.para.dispatch.testing.KubernetesMock;
import dev.para.dispatch.testing.SessionFixtures;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
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
        given().header("Authorization", f.bearer()).get("/api/v1/sessions/" + id).then()
                .body("instances[0].reason", equalTo("dry run: nothing was created"))
                .body("instances[1].pushed", equalTo(false));
        assertNull(KubernetesMock.client().batch().v1().jobs().withName("para-" + id).get());
        assertNull(KubernetesMock.client().secrets().withName("para-" + id).get());
    }
}
