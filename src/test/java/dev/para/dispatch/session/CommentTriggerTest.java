package dev.para.dispatch.session;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.para.dispatch.testing.Db;
import dev.para.dispatch.testing.GitHubFake;
import dev.para.dispatch.testing.GitHubStubs;
import dev.para.dispatch.testing.IssueComments;
import dev.para.dispatch.testing.SessionFixtures;
import io.quarkus.test.junit.QuarkusTest;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** {@code @para} comments on issues, delivered as GitHub's own issue_comment.created example. */
@QuarkusTest
class CommentTriggerTest {

    @GitHubFake.Inject
    WireMockServer github;

    private void permission(SessionFixtures f, String user, String permission, String role) {
        github.stubFor(get(urlPathEqualTo(
                        "/repos/" + f.owner + "/" + f.repo + "/collaborators/" + user + "/permission"))
                .willReturn(GitHubStubs.json(
                        200,
                        GitHubStubs.fixture("collaborator-permission")
                                .replace("\"permission\": \"admin\"", "\"permission\": \"" + permission + "\"")
                                .replace("\"role_name\": \"admin\"", "\"role_name\": \"" + role + "\""))));
        github.stubFor(post(urlPathEqualTo(commentsPath(f)))
                .willReturn(GitHubStubs.json(201, GitHubStubs.fixture("issue-comment-created"))));
        github.stubFor(get(urlPathEqualTo(commentsPath(f))).willReturn(GitHubStubs.json(200, "[]")));
        github.stubFor(patch(urlPathEqualTo("/repos/" + f.owner + "/" + f.repo + "/issues/comments/1"))
                .willReturn(GitHubStubs.json(200, GitHubStubs.fixture("issue-comment-created"))));
    }

    private static String commentsPath(SessionFixtures f) {
        return "/repos/" + f.owner + "/" + f.repo + "/issues/1/comments";
    }

    private static String comment(SessionFixtures f, String user, String userType, String body) {
        return comment(f, "created", user, userType, body);
    }

    private static String comment(SessionFixtures f, String action, String user, String userType, String body) {
        return IssueComments.deliverComment(f, action, user, userType, body);
    }

    private static long sessionsOf(SessionFixtures f) {
        return Db.count("SELECT count(*) FROM sessions WHERE installation_id = ?", f.installationId);
    }

    @Test
    void aMaintainerStartsASessionAndHearsBack() {
        SessionFixtures f = SessionFixtures.linked(github);
        permission(f, "maintainer", "write", "maintain");
        comment(f, "maintainer", "User", "@para please fix the typo in the README");

        assertEquals(1, sessionsOf(f));
        var row = Db.query(
                        "SELECT prompt, trigger_issue, created_by, account_id FROM sessions WHERE installation_id = ?",
                        f.installationId)
                .get(0);
        assertEquals(1, row.get("trigger_issue"));
        assertEquals("maintainer", row.get("created_by"));
        assertEquals(f.account, row.get("account_id"));
        String prompt = (String) row.get("prompt");
        org.junit.jupiter.api.Assertions.assertTrue(prompt.startsWith("please fix the typo in the README"), prompt);
        // The issue's author (the example's Codertocat) is no collaborator: the issue's text stays out.
        org.junit.jupiter.api.Assertions.assertTrue(
                prompt.contains("The text of issue #1 (its title, then its body) by @Codertocat is left out"), prompt);
        org.junit.jupiter.api.Assertions.assertFalse(prompt.contains("Spelling error in the README file"), prompt);
        // accepted: the session's tracking comment is posted on the issue
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> github.verify(
                        1,
                        postRequestedFor(urlPathEqualTo(commentsPath(f)))
                                .withRequestBody(containing("<!-- para-session:"))));

        comment(f, "maintainer", "User", "@para stop");
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertEquals(
                        1,
                        Db.count(
                                "SELECT count(*) FROM sessions WHERE installation_id = ? AND state = 'CANCELLED'",
                                f.installationId),
                        () -> "sessions: "
                                + Db.query(
                                        "SELECT state, reason FROM sessions WHERE installation_id = ?",
                                        f.installationId)
                                + ", replies: "
                                + github.findAll(postRequestedFor(urlPathEqualTo(commentsPath(f)))).stream()
                                        .map(r -> r.getBodyAsString())
                                        .toList()));
        github.verify(
                1,
                postRequestedFor(urlPathEqualTo(commentsPath(f))).withRequestBody(containing("Cancelled 1 session")));
    }

    @Test
    void anIssueByAWriterIsQuotedAsDataNamingItsAuthor() {
        SessionFixtures f = SessionFixtures.linked(github);
        permission(f, "maintainer", "write", "maintain");
        permission(f, "Codertocat", "write", "write");
        comment(f, "maintainer", "User", "@para fix it");
        String prompt = (String) Db.query("SELECT prompt FROM sessions WHERE installation_id = ?", f.installationId)
                .get(0)
                .get("prompt");
        org.junit.jupiter.api.Assertions.assertTrue(prompt.startsWith("fix it\n\n---\n"), prompt);
        org.junit.jupiter.api.Assertions.assertTrue(
                prompt.contains("issue #1 (its title, then its body) by @Codertocat (permission: write)"), prompt);
        org.junit.jupiter.api.Assertions.assertTrue(
                prompt.contains("~~~~ quoted\nSpelling error in the README file"), prompt);
    }

    @Test
    void aUserWithReadPermissionStartsNothingWhateverTheirAuthorAssociation() {
        SessionFixtures f = SessionFixtures.linked(github);
        permission(f, "reader", "read", "triage");
        // The example's author_association is OWNER: it must not matter.
        comment(f, "reader", "User", "@para delete everything");
        assertEquals(0, sessionsOf(f));
        github.verify(0, postRequestedFor(urlPathEqualTo(commentsPath(f))));
    }

    @Test
    void botsOtherHandlesAndEditsStartNothing() {
        SessionFixtures f = SessionFixtures.linked(github);
        permission(f, "dependabot[bot]", "write", "write");
        permission(f, "writer", "write", "write");
        comment(f, "dependabot[bot]", "Bot", "@para bump everything");
        comment(f, "writer", "User", "@paranoid is not our handle");
        comment(f, "writer", "User", "thanks @para");
        assertEquals(0, sessionsOf(f));
    }

    /**
     * Nearly every comment GitHub sends is not for us: those are recorded at intake, in the
     * statement that stores them (processed_at = received_at), and never parsed or processed.
     */
    @Test
    void commentsNotAddressedToUsAreSettledAtIntake() {
        SessionFixtures f = SessionFixtures.linked(github);
        for (String body : java.util.List.of("@paranoid is not our handle", "thanks @para", "", "para fix it")) {
            String delivery = comment(f, "writer", "User", body);
            assertEquals(
                    1,
                    Db.count(
                            "SELECT count(*) FROM webhook_processing WHERE delivery_id = ?"
                                    + " AND processed_at = received_at AND outcome = 'ignored' AND action = 'created'",
                            delivery),
                    body);
        }
        String edited = comment(f, "edited", "writer", "User", "@para now fix it");
        assertEquals(
                1,
                Db.count(
                        "SELECT count(*) FROM webhook_processing WHERE delivery_id = ?"
                                + " AND processed_at = received_at AND outcome = 'ignored' AND action = 'edited'",
                        edited));

        // Addressed to us (any case, leading blanks): processed after the answer, then ignored as a bot's.
        String addressed = comment(f, "dependabot[bot]", "Bot", "  @PARA bump everything");
        assertEquals(
                1,
                Db.count(
                        "SELECT count(*) FROM webhook_processing WHERE delivery_id = ?"
                                + " AND processed_at > received_at AND outcome = 'ignored'",
                        addressed));
        assertEquals(0, sessionsOf(f));
    }

    /** The replies posted on issue #1, in order (not the sessions' tracking comments). */
    private List<String> replies(SessionFixtures f) {
        return github.findAll(postRequestedFor(urlPathEqualTo(commentsPath(f)))).stream()
                .map(r -> r.getBodyAsString())
                .filter(body -> !body.contains("<!-- para-session:"))
                .toList();
    }

    private String lastReply(SessionFixtures f) {
        List<String> all = replies(f);
        return all.isEmpty() ? "" : all.get(all.size() - 1);
    }

    @Test
    void flagsReachTheSessionAndWhatIsNotUnderstoodStartsNothing() {
        SessionFixtures f = SessionFixtures.linked(github);
        permission(f, "maintainer", "write", "maintain");
        comment(f, "maintainer", "User", "@para -n 3 --model sonnet --max-turns 7 --budget $1.25 Fix the typo");
        assertEquals(1, sessionsOf(f));
        var row = Db.query(
                        "SELECT instance_count, model, max_turns, budget_usd, prompt FROM sessions WHERE installation_id = ?",
                        f.installationId)
                .get(0);
        assertEquals(3, row.get("instance_count"));
        assertEquals("sonnet", row.get("model"));
        assertEquals(7, row.get("max_turns"));
        assertEquals(0, new BigDecimal("1.25").compareTo((BigDecimal) row.get("budget_usd")));
        assertTrue(((String) row.get("prompt")).startsWith("Fix the typo\n"), (String) row.get("prompt"));

        for (String[] refused : new String[][] {
            {"@para --verbose Fix it", "`--verbose` is not a flag I know"},
            {"@para status please", "`status` takes nothing after it"},
            {"@para -n 11 Fix it", "`-n` takes a number of instances from 1 to 10"},
            {"@para pick", "`pick` takes an instance number"},
            {"@para", "there is nothing after the handle"},
        }) {
            comment(f, "maintainer", "User", refused[0]);
            assertTrue(
                    lastReply(f).contains("I did not start anything: " + refused[1]), refused[0] + ": " + lastReply(f));
            assertTrue(lastReply(f).contains("`@para help` lists what I take"), lastReply(f));
        }
        assertEquals(1, sessionsOf(f), "none of them started a session");
    }

    @Test
    void helpListsTheCommandsAndStatusTellsEachInstancesState() {
        SessionFixtures f = SessionFixtures.linked(github);
        permission(f, "maintainer", "write", "maintain");
        comment(f, "maintainer", "User", "@para help");
        assertTrue(lastReply(f).contains("`@para pick <n>`"), lastReply(f));
        assertTrue(lastReply(f).contains("`@para retry <n>`"), lastReply(f));
        comment(f, "maintainer", "User", "@para status");
        assertTrue(lastReply(f).contains("No session was started from this issue"), lastReply(f));

        comment(f, "maintainer", "User", "@para -n 2 Write the changelog");
        String slug = (String) Db.query("SELECT slug FROM sessions WHERE installation_id = ?", f.installationId)
                .get(0)
                .get("slug");
        comment(f, "maintainer", "User", "@para status");
        String status = lastReply(f);
        assertTrue(status.contains("### para session `" + slug + "`"), status);
        assertTrue(status.contains("| # | state | elapsed | turns | cost | branch | pull request |"), status);
        assertTrue(!status.contains("<!-- para-session:"), "a reply is no tracking comment: " + status);
        assertTrue(status.contains("| 1 | ") && status.contains("| 2 | "), status);
        assertEquals(1, sessionsOf(f), "status starts nothing");
    }

    /** A finished three-instance session of issue #1 whose instances each opened a draft PR (11, 12, 13). */
    private UUID threePullRequests(SessionFixtures f) {
        comment(f, "maintainer", "User", "@para -n 3 Fix the typo");
        UUID id = (UUID) Db.query("SELECT id FROM sessions WHERE installation_id = ?", f.installationId)
                .get(0)
                .get("id");
        Db.query(
                "UPDATE session_instances SET state = 'SUCCEEDED', pushed = true, pr_number = 10 + index,"
                        + " pr_url = 'https://github.com/" + f.repository() + "/pull/' || (10 + index),"
                        + " finished_at = now() WHERE session_id = ?",
                id);
        Db.query("UPDATE sessions SET state = 'SUCCEEDED', finished_at = now() WHERE id = ?", id);
        for (int n = 11; n <= 13; n++) {
            String pull = "/repos/" + f.owner + "/" + f.repo + "/pulls/" + n;
            github.stubFor(get(urlPathEqualTo(pull))
                    .willReturn(GitHubStubs.json(
                            200,
                            GitHubStubs.fixture("pull-created")
                                    .replace("\"number\": 1347", "\"number\": " + n)
                                    .replace(
                                            "\"node_id\": \"MDExOlB1bGxSZXF1ZXN0MQ==\"",
                                            "\"node_id\": \"PR_node" + n + "\"")
                                    .replace("\"draft\": false", "\"draft\": true"))));
            github.stubFor(patch(urlPathEqualTo(pull))
                    .willReturn(GitHubStubs.json(
                            200,
                            GitHubStubs.fixture("pull-created")
                                    .replace("\"state\": \"open\"", "\"state\": \"closed\""))));
            github.stubFor(post(urlPathEqualTo("/repos/" + f.owner + "/" + f.repo + "/issues/" + n + "/comments"))
                    .willReturn(GitHubStubs.json(201, GitHubStubs.fixture("issue-comment-created"))));
        }
        github.stubFor(post(urlPathEqualTo("/graphql"))
                .willReturn(GitHubStubs.json(
                        200, "{\"data\":{\"markPullRequestReadyForReview\":{\"pullRequest\":{\"isDraft\":false}}}}")));
        github.stubFor(delete(urlPathMatching("/repos/" + f.owner + "/" + f.repo + "/git/refs/heads/.*"))
                .willReturn(aResponse().withStatus(204)));
        return id;
    }

    /**
     * {@code @para pick 2}: PR 12 is marked ready through GraphQL, 11 and 13 are closed with a
     * comment pointing to 12 and their branches deleted; the pick is recorded once, asking again
     * changes nothing, and picking another instance is refused. The API's pick is the same pick.
     */
    @Test
    void pickMarksOnePullRequestReadyAndClosesTheOthers() {
        SessionFixtures f = SessionFixtures.linked(github);
        permission(f, "maintainer", "write", "maintain");
        UUID id = threePullRequests(f);
        String branchBase = (String) Db.query("SELECT branch_base FROM sessions WHERE id = ?", id)
                .get(0)
                .get("branch_base");

        comment(f, "maintainer", "User", "@para pick 2");
        assertTrue(lastReply(f).contains("Picked instance 2 of"), lastReply(f));
        assertEquals(
                2,
                Db.query("SELECT picked_instance FROM sessions WHERE id = ?", id)
                        .get(0)
                        .get("picked_instance"));
        github.verify(
                1,
                postRequestedFor(urlPathEqualTo("/graphql"))
                        .withRequestBody(containing("markPullRequestReadyForReview"))
                        .withRequestBody(containing("\"id\":\"PR_node12\"")));
        String pulls = "/repos/" + f.owner + "/" + f.repo + "/pulls/";
        for (int closed : new int[] {11, 13}) {
            github.verify(
                    1,
                    patchRequestedFor(urlPathEqualTo(pulls + closed))
                            .withRequestBody(equalToJson("{\"state\":\"closed\"}")));
            github.verify(
                    1,
                    postRequestedFor(urlPathEqualTo(
                                    "/repos/" + f.owner + "/" + f.repo + "/issues/" + closed + "/comments"))
                            .withRequestBody(containing("instance 2 of session"))
                            .withRequestBody(containing("/pull/12")));
        }
        github.verify(0, patchRequestedFor(urlPathEqualTo(pulls + 12)));
        github.verify(
                1,
                deleteRequestedFor(
                        urlEqualTo("/repos/" + f.owner + "/" + f.repo + "/git/refs/heads/" + branchBase + "-1")));
        github.verify(
                1,
                deleteRequestedFor(
                        urlEqualTo("/repos/" + f.owner + "/" + f.repo + "/git/refs/heads/" + branchBase + "-3")));
        github.verify(
                0,
                deleteRequestedFor(
                        urlEqualTo("/repos/" + f.owner + "/" + f.repo + "/git/refs/heads/" + branchBase + "-2")));

        comment(f, "maintainer", "User", "@para pick 3");
        assertTrue(lastReply(f).contains("Could not pick instance 3: Instance 2 was picked already"), lastReply(f));
        github.verify(0, patchRequestedFor(urlPathEqualTo(pulls + 12)));

        io.restassured.RestAssured.given()
                .header("Authorization", f.bearer())
                .contentType("application/json")
                .body("{\"instance\":2,\"keepBranches\":true}")
                .post("/api/v1/sessions/" + id + "/pick")
                .then()
                .statusCode(200)
                .body("pickedInstance", org.hamcrest.Matchers.equalTo(2));
        io.restassured.RestAssured.given()
                .header("Authorization", f.bearer())
                .contentType("application/json")
                .body("{\"instance\":1}")
                .post("/api/v1/sessions/" + id + "/pick")
                .then()
                .statusCode(409)
                .body("type", org.hamcrest.Matchers.equalTo("urn:para-dispatch:problem:picked-already"));
        assertEquals(
                1,
                Db.count("SELECT count(*) FROM session_events WHERE session_id = ? AND state = 'PICKED'", id),
                "recorded once");
    }

    @Test
    void retryStartsAgainFromTheInstancesBranch() {
        SessionFixtures f = SessionFixtures.linked(github);
        permission(f, "maintainer", "write", "maintain");
        UUID id = threePullRequests(f);
        String branch = (String) Db.query("SELECT branch FROM session_instances WHERE session_id = ? AND index = 3", id)
                .get(0)
                .get("branch");
        comment(f, "maintainer", "User", "@para retry 3");
        assertTrue(lastReply(f).contains("from instance 3's branch `" + branch + "`"), lastReply(f));
        assertEquals(
                1,
                Db.count(
                        "SELECT count(*) FROM sessions WHERE recovered_from = ? AND source_branch = ? AND trigger_issue = 1",
                        id,
                        branch));
        comment(f, "maintainer", "User", "@para retry 9");
        assertTrue(lastReply(f).contains("Could not retry instance 9"), lastReply(f));
    }
}
