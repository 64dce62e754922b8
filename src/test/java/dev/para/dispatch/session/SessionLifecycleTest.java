package dev.para.dispatch.session;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.para.dispatch.kubernetes.PodStatusReader;
import dev.para.dispatch.testing.Db;
import dev.para.dispatch.testing.GitHubFake;
import dev.para.dispatch.testing.Kubelet;
import dev.para.dispatch.testing.KubernetesMock;
import dev.para.dispatch.testing.SessionFixtures;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;

/** The whole life of a session against the mock API server and the GitHub fake. */
@QuarkusTest
class SessionLifecycleTest {

    @GitHubFake.Inject
    WireMockServer github;

    @Test
    void podsDriveInstancesToTheirEndAndPushedBranchesGetDraftPullRequests() {
        SessionFixtures f = SessionFixtures.linked(github);
        f.stubPullRequests(github);
        UUID id = f.create(2, "Make the tests faster");
        awaitSession(f, id, "RUNNING");
        String branch1 = given().header("Authorization", f.bearer())
                .get("/api/v1/sessions/" + id)
                .path("instances[0].branch");
        String branch2 = given().header("Authorization", f.bearer())
                .get("/api/v1/sessions/" + id)
                .path("instances[1].branch");

        Kubelet.startPod(id, 1);
        Kubelet.startPod(id, 2);
        Kubelet.waiting(id, 1, "ContainerCreating", null);
        awaitInstance(f, id, 1, "PENDING", "ContainerCreating");
        Kubelet.running(id, 1);
        Kubelet.running(id, 2);
        awaitInstance(f, id, 1, "RUNNING", null);
        awaitInstance(f, id, 2, "RUNNING", null);

        Kubelet.terminated(
                id,
                1,
                0,
                "Completed",
                Kubelet.report(branch1, "6dcb09b5b57875f334f61aebed695e2e4193db5e", true, "pushed"));
        Kubelet.terminated(
                id,
                2,
                0,
                "Completed",
                Kubelet.report(branch2, "7dcb09b5b57875f334f61aebed695e2e4193db5e", true, "pushed"));

        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> given().header("Authorization", f.bearer())
                        .get("/api/v1/sessions/" + id)
                        .then()
                        .statusCode(200)
                        .body("state", Matchers.equalTo("SUCCEEDED"))
                        .body("instances.state", everyItem(Matchers.equalTo("SUCCEEDED")))
                        .body("instances[0].headCommit", Matchers.equalTo("6dcb09b5b57875f334f61aebed695e2e4193db5e"))
                        .body("instances[0].pushed", Matchers.equalTo(true))
                        .body("instances[0].turns", Matchers.equalTo(12))
                        .body("instances[0].costUsd", Matchers.equalTo(0.4213f))
                        .body("instances[0].prUrl", containsString("/" + f.owner + "/" + f.repo + "/pull/"))
                        .body("instances[1].prUrl", notNullValue()));

        // The token, prompt and agent credential leave the cluster with the session, not at the Job's TTL.
        Kubelet.awaitSecretDeleted(id);
        org.junit.jupiter.api.Assertions.assertNotNull(
                dev.para.dispatch.testing.KubernetesMock.client()
                        .batch()
                        .v1()
                        .jobs()
                        .withName("para-" + id)
                        .get(),
                "the Job stays for its TTL");

        String pulls = "/repos/" + f.owner + "/" + f.repo + "/pulls";
        github.verify(
                1,
                postRequestedFor(urlPathEqualTo(pulls))
                        .withRequestBody(matchingJsonPath("$.head", equalTo(branch1)))
                        .withRequestBody(matchingJsonPath("$.draft", equalTo("true")))
                        .withRequestBody(matchingJsonPath("$.base", equalTo("main")))
                        .withRequestBody(containing("> Make the tests faster"))
                        .withRequestBody(containing(branch2))
                        .withRequestBody(containing("instance 1 of 2")));
        github.verify(
                1,
                postRequestedFor(urlPathEqualTo(pulls)).withRequestBody(matchingJsonPath("$.head", equalTo(branch2))));

        List<String> events = Db.query(
                        "SELECT coalesce(instance::text, '-') || ':' || state AS e FROM session_events"
                                + " WHERE session_id = ? ORDER BY id",
                        id)
                .stream()
                .map(r -> (String) r.get("e"))
                .toList();
        assertEquals(List.of("-:QUEUED", "-:RUNNING"), events.subList(0, 2));
        for (String expected : List.of(
                "1:PENDING",
                "1:RUNNING",
                "1:SUCCEEDED",
                "1:PULL_REQUEST",
                "2:SUCCEEDED",
                "2:PULL_REQUEST",
                "-:SUCCEEDED")) {
            org.junit.jupiter.api.Assertions.assertTrue(
                    events.contains(expected), expected + " missing from " + events);
        }
        org.junit.jupiter.api.Assertions.assertTrue(
                events.indexOf("1:PENDING") < events.indexOf("1:RUNNING")
                        && events.indexOf("1:RUNNING") < events.indexOf("1:SUCCEEDED")
                        && events.indexOf("1:SUCCEEDED") < events.indexOf("1:PULL_REQUEST"),
                "out of order: " + events);

        given().when()
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .body(containsString("para_session_launch_seconds_bucket{"))
                .body(containsString("para_session_duration_seconds_bucket{outcome=\"succeeded\""))
                .body(containsString(
                        "para_kubernetes_request_seconds_bucket{operation=\"create_job\",outcome=\"success\""))
                .body(containsString("para_session_transitions_total{kind=\"instance\",state=\"succeeded\"}"))
                .body(containsString(
                        "para_github_request_seconds_bucket{operation=\"create_pull_request\",outcome=\"success\""))
                .body(containsString("para_sessions{state=\"running\"}"))
                .body(Matchers.not(containsString(id.toString())))
                .body(Matchers.not(containsString(f.owner)));
    }

    @Test
    void failuresGetReasonsAPersonCanActOn() {
        SessionFixtures f = SessionFixtures.linked(github);
        UUID id = f.create(4, "Try hard");
        awaitSession(f, id, "RUNNING");
        for (int n = 1; n <= 4; n++) {
            Kubelet.startPod(id, n);
        }
        Kubelet.waiting(id, 1, "ImagePullBackOff", "Back-off pulling image \"ghcr.io/acme/agent:nope\"");
        Kubelet.terminated(id, 2, 3, "Error", Kubelet.report("b", "", false, "the agent is not authenticated"));
        Kubelet.terminated(id, 3, 137, "OOMKilled", null);
        Kubelet.evicted(id, 4);

        awaitInstance(f, id, 1, "FAILED", "image not pullable (ImagePullBackOff)");
        awaitInstance(f, id, 2, "FAILED", "agent not authenticated");
        awaitInstance(f, id, 3, "FAILED", "out of memory (OOMKilled)");
        awaitInstance(f, id, 4, "FAILED", "evicted");
        awaitSession(f, id, "FAILED");
        // An image that cannot be pulled never fails by itself: the service stops the Job.
        Kubelet.awaitJobDeleted(id);
        assertEquals(
                0, Db.count("SELECT count(*) FROM session_instances WHERE session_id = ? AND pr_url IS NOT NULL", id));
    }

    /**
     * An image with its own login (no credential file, so the preflight could check nothing) and
     * three instances: the Job runs one pod first, and the tracker lets the other two start once
     * that pod's agent was let in (its readiness probe), not before.
     */
    @Test
    void aLoginTheServiceCannotCheckIsCheckedByTheFirstPodBeforeTheOthersStart() {
        SessionFixtures f = SessionFixtures.linked(github);
        UUID id = f.create(3, "Try once, then all");
        awaitSession(f, id, "RUNNING");
        assertEquals(1, Kubelet.job(id).getSpec().getParallelism());
        awaitInstance(f, id, 2, "PENDING", SessionLauncher.WAITS_FOR_FIRST);
        awaitInstance(f, id, 3, "PENDING", SessionLauncher.WAITS_FOR_FIRST);

        Kubelet.startPod(id, 1);
        Kubelet.running(id, 1);
        awaitInstance(f, id, 1, "RUNNING", null);
        assertEquals(1, Kubelet.job(id).getSpec().getParallelism(), "cloning, or before its first turn");

        Kubelet.letIn(id, 1);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> Kubelet.job(id).getSpec().getParallelism() == 3);
    }

    /**
     * The same, with a login the agent's API refuses: the pod failure policy fails the Job before
     * the controller starts the next pod, and the session fails at once with what to do.
     */
    @Test
    void aRefusedLoginFailsTheSessionBeforeTheOtherPodsStart() {
        SessionFixtures f = SessionFixtures.linked(github);
        UUID id = f.create(3, "Try once");
        awaitSession(f, id, "RUNNING");
        Kubelet.startPod(id, 1);
        Kubelet.terminated(id, 1, 3, "Error", Kubelet.report("b", "", false, "the agent is not authenticated"));
        Kubelet.jobFailed(id, "PodFailurePolicy");

        awaitSession(f, id, "FAILED");
        awaitInstance(f, id, 1, "FAILED", "agent not authenticated");
        awaitInstance(f, id, 2, "FAILED", PodStatusReader.LOGIN_REFUSED_FIRST);
        awaitInstance(f, id, 3, "FAILED", PodStatusReader.LOGIN_REFUSED_FIRST);
        Kubelet.awaitJobDeleted(id);
    }

    @jakarta.inject.Inject
    InstanceRecorder recorder;

    @Test
    void aPodPendingPastTheTimeoutFailsWithItsLastReasonAndItsJobIsStopped() {
        SessionFixtures f = SessionFixtures.linked(github);
        UUID id = f.create(1, "Never scheduled");
        awaitSession(f, id, "RUNNING");
        Kubelet.startPod(id, 1);
        Kubelet.waiting(id, 1, "ContainerCreating", null);
        awaitInstance(f, id, 1, "PENDING", "ContainerCreating");
        try {
            dev.para.dispatch.testing.TestClock.advance(java.time.Duration.ofMinutes(16));
            SessionExactlyOnceTest.onContext(() -> recorder.failLongPending());
        } finally {
            dev.para.dispatch.testing.TestClock.reset();
        }
        awaitInstance(f, id, 1, "FAILED", "pending for more than 15 min (ContainerCreating)");
        awaitSession(f, id, "FAILED");
        Kubelet.awaitJobDeleted(id);
    }

    /**
     * A prompt may carry a secret pasted by mistake: the agent gets it as written, but the API's
     * answers and the pull request at GitHub show it redacted.
     */
    @Test
    void secretsInThePromptAreRedactedInAnswersAndPullRequests() {
        SessionFixtures f = SessionFixtures.linked(github);
        f.stubPullRequests(github);
        String token = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8";
        String key = "sk-ant-api03-" + "Zz9Yy8Xx7Ww6Vv5Uu4";
        UUID id = f.create(1, "Use " + token + " to fetch\\nand " + key + " for the model");
        given().header("Authorization", f.bearer())
                .get("/api/v1/sessions/" + id)
                .then()
                .statusCode(200)
                .body("prompt", Matchers.equalTo("Use [REDACTED] to fetch\nand [REDACTED] for the model"));
        awaitSession(f, id, "RUNNING");
        String prompt = new String(
                java.util.Base64.getDecoder()
                        .decode(KubernetesMock.client()
                                .secrets()
                                .withName("para-" + id)
                                .get()
                                .getData()
                                .get("prompt")),
                java.nio.charset.StandardCharsets.UTF_8);
        org.junit.jupiter.api.Assertions.assertTrue(
                prompt.contains(token) && prompt.contains(key), "the agent gets the prompt as written");

        String branch = given().header("Authorization", f.bearer())
                .get("/api/v1/sessions/" + id)
                .path("instances[0].branch");
        Kubelet.startPod(id, 1);
        Kubelet.terminated(
                id,
                1,
                0,
                "Completed",
                Kubelet.report(branch, "6dcb09b5b57875f334f61aebed695e2e4193db5e", true, "pushed"));
        awaitSession(f, id, "SUCCEEDED");
        String pulls = "/repos/" + f.owner + "/" + f.repo + "/pulls";
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> github.verify(
                        1,
                        postRequestedFor(urlPathEqualTo(pulls))
                                .withRequestBody(matchingJsonPath("$.head", equalTo(branch)))));
        var sent = github.findAll(
                postRequestedFor(urlPathEqualTo(pulls)).withRequestBody(matchingJsonPath("$.head", equalTo(branch))));
        String body = sent.get(0).getBodyAsString();
        org.junit.jupiter.api.Assertions.assertFalse(body.contains(token) || body.contains(key), body);
        org.junit.jupiter.api.Assertions.assertTrue(body.contains("para: Use [REDACTED] to fetch"), body);
    }

    static void awaitSession(SessionFixtures f, UUID id, String state) {
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> given().header("Authorization", f.bearer())
                        .get("/api/v1/sessions/" + id)
                        .then()
                        .statusCode(200)
                        .body("state", Matchers.equalTo(state)));
    }

    static void awaitInstance(SessionFixtures f, UUID id, int n, String state, String reasonStart) {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            Map<String, Object> instance = given().header("Authorization", f.bearer())
                    .get("/api/v1/sessions/" + id)
                    .then()
                    .statusCode(200)
                    .extract()
                    .path("instances[" + (n - 1) + "]");
            assertEquals(state, instance.get("state"), "instance " + n + ": " + instance);
            if (reasonStart != null) {
                org.junit.jupiter.api.Assertions.assertTrue(
                        String.valueOf(instance.get("reason")).startsWith(reasonStart),
                        "instance " + n + ": " + instance);
            }
        });
    }
}
