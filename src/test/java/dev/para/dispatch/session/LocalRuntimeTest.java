package dev.para.dispatch.session;

import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import dev.para.dispatch.kubernetes.PodStatusReader;
import dev.para.dispatch.kubernetes.SessionJobBuilder;
import dev.para.dispatch.testing.GitHubFake;
import dev.para.dispatch.testing.GitServer;
import dev.para.dispatch.testing.LocalRuntimeProfile;
import dev.para.dispatch.testing.SessionFixtures;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.ValidatableResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * A whole session on the local runtime (dev mode without a cluster): the real entrypoint as local
 * processes, against the loopback git server, with the fake agent; the PR goes to the GitHub fake.
 */
@QuarkusTest
@TestProfile(LocalRuntimeProfile.class)
class LocalRuntimeTest {

    private static GitServer git() {
        return LocalRuntimeProfile.git();
    }

    /** A linked account whose repository is on the git server, its PRs answered by the fake. */
    private SessionFixtures repository() throws Exception {
        SessionFixtures f = SessionFixtures.linked(github);
        git().createRepository(f.owner + "/" + f.repo);
        f.stubPullRequests(github);
        return f;
    }

    /** Creates a session with these request fields (JSON, after the repository); its id. */
    private static String create(SessionFixtures f, String fields) {
        return given().header("Authorization", f.bearer())
                .contentType("application/json")
                .body("{\"repository\":\"" + f.repository() + "\"," + fields + "}")
                .post("/api/v1/sessions")
                .then()
                .statusCode(202)
                .extract()
                .path("id");
    }

    /** Waits (90 s at most) until the session's answer passes the checks. */
    private static void awaitSession(SessionFixtures f, Object id, Consumer<ValidatableResponse> checks) {
        await().atMost(Duration.ofSeconds(90))
                .untilAsserted(() -> checks.accept(given().header("Authorization", f.bearer())
                        .get("/api/v1/sessions/" + id)
                        .then()
                        .statusCode(200)));
    }

    @GitHubFake.Inject
    WireMockServer github;

    @Test
    void aSessionRunsLocallyPushesAndGetsItsPullRequest() throws Exception {
        SessionFixtures f = repository();

        UUID id = f.create(1, "Write the changelog");

        awaitSession(
                f,
                id,
                r -> r.body("state", equalTo("SUCCEEDED"))
                        .body("instances[0].pushed", equalTo(true))
                        .body("instances[0].headCommit", notNullValue())
                        .body(
                                "instances[0].prUrl",
                                startsWith("https://github.com/" + f.owner + "/" + f.repo + "/pull/")));
        String branch = given().header("Authorization", f.bearer())
                .get("/api/v1/sessions/" + id)
                .path("instances[0].branch");
        assertNotNull(git().ref(f.owner + "/" + f.repo, "refs/heads/" + branch), "the branch is not on the git server");
        String pulls = "/repos/" + f.owner + "/" + f.repo + "/pulls";
        github.verify(
                1,
                postRequestedFor(urlPathEqualTo(pulls))
                        .withRequestBody(matchingJsonPath("$.head", WireMock.equalTo(branch)))
                        .withRequestBody(matchingJsonPath("$.draft", WireMock.equalTo("false"))));
        given().header("Authorization", f.bearer())
                .get("/api/v1/sessions/" + id + "/instances/1/logs")
                .then()
                .statusCode(200)
                .body(org.hamcrest.Matchers.containsString("pushed to " + branch))
                .body(org.hamcrest.Matchers.containsString("\"type\":\"result\""));
    }

    /**
     * An agent that never finishes is stopped at its own limit (a tenth of a one-minute timeout
     * here), its work is pushed as WIP by the real publish step, and the session is recovered
     * from exactly that branch.
     */
    @Test
    void aTimedOutAgentsWorkIsPushedAndRecovered() throws Exception {
        SessionFixtures f = repository();
        String id = create(f, "\"prompt\":\"fake-agent: sleep\\nWrite slowly\",\"timeoutMinutes\":1");
        awaitSession(
                f,
                id,
                r -> r.body("state", equalTo("FAILED"))
                        .body("instances[0].state", equalTo("TIMED_OUT"))
                        .body("instances[0].reason", startsWith("timed out: the agent reached its time limit"))
                        .body("instances[0].pushed", equalTo(true)));
        String branch = given().header("Authorization", f.bearer())
                .get("/api/v1/sessions/" + id)
                .path("instances[0].branch");
        String head = git().ref(f.owner + "/" + f.repo, "refs/heads/" + branch);
        assertNotNull(head, "the WIP branch is not on the git server");
        github.verify(0, postRequestedFor(urlPathEqualTo("/repos/" + f.owner + "/" + f.repo + "/pulls")));

        String recovered = given().header("Authorization", f.bearer())
                .contentType("application/json")
                .body("{\"instance\":1}")
                .post("/api/v1/sessions/" + id + "/recover")
                .then()
                .statusCode(202)
                .body("sourceBranch", equalTo(branch))
                .extract()
                .path("id");
        awaitSession(
                f, recovered, r -> r.body("state", equalTo("SUCCEEDED")).body("instances[0].pushed", equalTo(true)));
        String continued = given().header("Authorization", f.bearer())
                .get("/api/v1/sessions/" + recovered)
                .path("instances[0].headCommit");
        assertEquals(head, parentOf(f.owner + "/" + f.repo, continued), "the recovery did not build on the WIP commit");
    }

    /**
     * An agent that reports its cost as it goes is stopped once it passes the session's
     * per-instance budget: the instance ends BUDGET_EXCEEDED with its work pushed as WIP (no PR).
     */
    @Test
    void anAgentPastItsBudgetIsStoppedAndItsWorkKept() throws Exception {
        SessionFixtures f = repository();
        String id = create(f, "\"prompt\":\"fake-agent: spend\\nSpend\",\"budgetUsd\":0.03");
        awaitSession(
                f,
                id,
                r -> r.body("state", equalTo("FAILED"))
                        .body("instances[0].state", equalTo("BUDGET_EXCEEDED"))
                        .body("instances[0].reason", startsWith("budget exceeded: the agent passed its budget"))
                        .body("instances[0].pushed", equalTo(true))
                        // what it had reported when it was stopped: past the budget, by a report or two
                        .body(
                                "instances[0].costUsd",
                                org.hamcrest.Matchers.both(org.hamcrest.Matchers.greaterThan(0.03f))
                                        .and(org.hamcrest.Matchers.lessThan(0.07f)))
                        .body("costUsd", org.hamcrest.Matchers.greaterThan(0.03f)));
        github.verify(0, postRequestedFor(urlPathEqualTo("/repos/" + f.owner + "/" + f.repo + "/pulls")));
    }

    /** An agent that exits well at once, without a turn or a change, did not run: the instance fails. */
    @Test
    void anAgentThatDidNothingFails() throws Exception {
        SessionFixtures f = SessionFixtures.linked(github);
        git().createRepository(f.owner + "/" + f.repo);
        UUID id = f.create(1, "fake-agent: idle\\nDo nothing");
        awaitSession(
                f,
                id,
                r -> r.body("state", equalTo("FAILED"))
                        .body("instances[0].state", equalTo("FAILED"))
                        .body("instances[0].reason", startsWith("agent failed: the agent did nothing")));
    }

    /**
     * An image with its own login (no credential for the preflight to check) and three instances:
     * the first agent is refused, and the other two never start; the session fails with words a
     * person can act on.
     */
    @Test
    void aRefusedBakedInLoginCostsOneInstanceNotThree() throws Exception {
        SessionFixtures f = repository();
        UUID id = f.create(3, "fake-agent: unauthenticated\\nFix it");
        awaitSession(
                f,
                id,
                r -> r.body("state", equalTo("FAILED"))
                        .body("instances[0].reason", startsWith("agent not authenticated"))
                        .body("instances[1].reason", equalTo(PodStatusReader.LOGIN_REFUSED_FIRST))
                        .body("instances[2].reason", equalTo(PodStatusReader.LOGIN_REFUSED_FIRST)));
        Path sessionDir = Path.of("target/tmp/local-sessions", SessionJobBuilder.jobName(id));
        assertTrue(Files.exists(sessionDir.resolve("instance-1").resolve("log")));
        assertFalse(Files.exists(sessionDir.resolve("instance-2").resolve("log")), "instance 2 ran");
        assertFalse(Files.exists(sessionDir.resolve("instance-3").resolve("log")), "instance 3 ran");
    }

    /**
     * The same image whose login works: instances 2 and 3 start once the first agent has made its
     * first turn (the slow agent takes 3 s to it), not before, and all three finish.
     */
    @Test
    void theOtherInstancesStartOnceTheFirstAgentIsLetIn() throws Exception {
        SessionFixtures f = repository();
        UUID id = f.create(3, "fake-agent: slow\\nWork in steps");
        awaitSession(f, id, r -> r.body("state", equalTo("SUCCEEDED")));
        var session = given().header("Authorization", f.bearer())
                .get("/api/v1/sessions/" + id)
                .then()
                .extract()
                .jsonPath();
        Instant first = Instant.parse(session.getString("instances[0].startedAt"));
        for (int i = 1; i <= 2; i++) {
            Instant other = Instant.parse(session.getString("instances[" + i + "].startedAt"));
            assertTrue(
                    !other.isBefore(first.plusSeconds(3)),
                    "instance " + (i + 1) + " started at " + other + ", before instance 1's agent was let in (" + first
                            + " + 3 s)");
        }
    }

    /**
     * While the agent works: a followed log shows each event within 2 s of its being written, and
     * the session's event stream carries the instance's progress (turns, last tool, tokens).
     */
    @Test
    void theAgentsProgressIsLiveInTheFollowedLogAndTheEventStream() throws Exception {
        SessionFixtures f = repository();
        UUID id = f.create(1, "fake-agent: slow\\nWork in steps");
        String base = "http://localhost:"
                + org.eclipse.microprofile.config.ConfigProvider.getConfig()
                        .getValue("quarkus.http.test-port", Integer.class);
        var http = java.net.http.HttpClient.newHttpClient();
        var events = http.sendAsync(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/api/v1/sessions/" + id + "/events"))
                        .header("Authorization", f.bearer())
                        .header("Accept", "text/event-stream")
                        .build(),
                java.net.http.HttpResponse.BodyHandlers.ofLines());
        await().atMost(Duration.ofSeconds(20))
                .until(() -> given().header("Authorization", f.bearer())
                                .get("/api/v1/sessions/" + id + "/instances/1/logs")
                                .statusCode()
                        == 200);
        var log = http.send(
                java.net.http.HttpRequest.newBuilder(
                                java.net.URI.create(base + "/api/v1/sessions/" + id + "/instances/1/logs?follow=true"))
                        .header("Authorization", f.bearer())
                        .build(),
                java.net.http.HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, log.statusCode());
        String first = log.body()
                .filter(line -> line.contains("written_at_ms"))
                .findFirst()
                .orElseThrow();
        long delay = System.currentTimeMillis()
                - new com.fasterxml.jackson.databind.ObjectMapper()
                        .readTree(first)
                        .path("written_at_ms")
                        .asLong();
        org.junit.jupiter.api.Assertions.assertTrue(delay < 2000, "the first event came " + delay + " ms late");

        java.util.List<String> stream =
                events.get(10, java.util.concurrent.TimeUnit.SECONDS).body().toList(); // until the session ends
        int progress = stream.indexOf("event:progress");
        org.junit.jupiter.api.Assertions.assertTrue(progress >= 0, String.join("\n", stream));
        String data = stream.stream()
                .skip(progress)
                .filter(line -> line.startsWith("data:") && line.contains("\"lastTool\""))
                .findFirst()
                .orElseThrow();
        org.junit.jupiter.api.Assertions.assertTrue(data.contains("\"instance\":1"), data);
        org.junit.jupiter.api.Assertions.assertTrue(
                stream.stream().anyMatch(l -> l.contains("\"lastTool\":\"Bash\"") && l.contains("\"outputTokens\":42")),
                String.join("\n", stream));
        org.junit.jupiter.api.Assertions.assertTrue(
                stream.get(stream.size() - 1).contains("SUCCEEDED")
                        || stream.stream().anyMatch(l -> l.contains("\"state\":\"SUCCEEDED\"")),
                String.join("\n", stream));
    }

    static String parentOf(String repository, String commit) throws Exception {
        Process p = new ProcessBuilder("git", "rev-parse", commit + "^")
                .directory(git().repository(repository).toFile())
                .start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
        p.waitFor();
        return out;
    }
}
