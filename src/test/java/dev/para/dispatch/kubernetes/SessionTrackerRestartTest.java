package dev.para.dispatch.kubernetes;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.para.dispatch.testing.GitHubFake;
import dev.para.dispatch.testing.Kubelet;
import dev.para.dispatch.testing.SessionFixtures;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;

/**
 * A replica that was not watching while a pod ended (restarted, or its watch broken) learns of it
 * from the informers' first list when it watches again: nothing is missed.
 */
@QuarkusTest
class SessionTrackerRestartTest {

    @GitHubFake.Inject
    WireMockServer github;

    @Inject
    SessionTracker tracker;

    @Test
    void podsThatEndedWhileNobodyWatchedAreReconciledOnStart() throws Exception {
        SessionFixtures f = SessionFixtures.linked(github);
        f.stubPullRequests(github);
        UUID id = f.create(1, "Reconcile me");
        awaitState(f, id, "state", "RUNNING");
        String branch = given().header("Authorization", f.bearer())
                .get("/api/v1/sessions/" + id)
                .path("instances[0].branch");
        Kubelet.startPod(id, 1);
        Kubelet.running(id, 1);
        awaitState(f, id, "instances[0].state", "RUNNING");

        tracker.stop(null);
        try {
            Kubelet.terminated(
                    id,
                    1,
                    0,
                    "Completed",
                    Kubelet.report(branch, "6dcb09b5b57875f334f61aebed695e2e4193db5e", true, "pushed"));
            Thread.sleep(500);
            assertEquals(
                    "RUNNING",
                    given().header("Authorization", f.bearer())
                            .get("/api/v1/sessions/" + id)
                            .path("instances[0].state"),
                    "nobody was watching");
        } finally {
            tracker.start(null);
        }

        awaitState(f, id, "state", "SUCCEEDED");
        awaitState(f, id, "instances[0].headCommit", "6dcb09b5b57875f334f61aebed695e2e4193db5e");
    }

    private static void awaitState(SessionFixtures f, UUID id, String path, String expected) {
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> given().header("Authorization", f.bearer())
                        .get("/api/v1/sessions/" + id)
                        .then()
                        .statusCode(200)
                        .body(path, Matchers.equalTo(expected)));
    }
}
