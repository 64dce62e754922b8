package dev.para.dispatch.session;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.para.dispatch.testing.Webhooks.deliver;
import static dev.para.dispatch.testing.Webhooks.exampleFor;
import static dev.para.dispatch.testing.Webhooks.newDeliveryId;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.para.dispatch.testing.Db;
import dev.para.dispatch.testing.GitHubFake;
import dev.para.dispatch.testing.GitHubStubs;
import dev.para.dispatch.testing.SessionFixtures;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** {@code @para} comments on issues, delivered as GitHub's own issue_comment.created example. */
@QuarkusTest
class CommentTriggerTest {

    private static final AtomicLong COMMENTS = new AtomicLong(System.nanoTime() % 1_000_000_000L);

    @GitHubFake.Inject
    WireMockServer github;

    private void permission(SessionFixtures f, String user, String permission, String role) {
        github.stubFor(get(urlPathEqualTo(
                        "/repos/" + f.owner + "/" + f.repo + "/collaborators/" + user + "/permission"))
                .willReturn(aResponse()
                        .withStatus(200)
                        .withHeader("Content-Type", "application/json")
                        .withBody(GitHubStubs.fixture("collaborator-permission")
                                .replace("\"permission\": \"admin\"", "\"permission\": \"" + permission + "\"")
                                .replace("\"role_name\": \"admin\"", "\"role_name\": \"" + role + "\""))));
        github.stubFor(post(urlPathEqualTo(commentsPath(f)))
                .willReturn(aResponse()
                        .withStatus(201)
                        .withHeader("Content-Type", "application/json")
                        .withBody(GitHubStubs.fixture("issue-comment-created"))));
    }

    private static String commentsPath(SessionFixtures f) {
        return "/repos/" + f.owner + "/" + f.repo + "/issues/1/comments";
    }

    private static String comment(SessionFixtures f, String user, String userType, String body) {
        return comment(f, "created", user, userType, body);
    }

    private static String comment(SessionFixtures f, String action, String user, String userType, String body) {
        String delivery = newDeliveryId();
        deliver("issue_comment", delivery, exampleFor("issue_comment." + action, f.installationId, p -> {
                    p.putObject("installation").put("id", f.installationId);
                    ((ObjectNode) p.get("repository"))
                            .put("full_name", f.repository())
                            .put("name", f.repo);
                    ((ObjectNode) p.get("comment")).put("body", body).put("id", COMMENTS.incrementAndGet());
                    ((ObjectNode) p.get("sender")).put("login", user).put("type", userType);
                }))
                .statusCode(202);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> Db.count(
                                "SELECT count(*) FROM webhook_processing WHERE delivery_id = ? AND processed_at IS NOT NULL",
                                delivery)
                        == 1);
        return delivery;
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
        github.verify(
                1, postRequestedFor(urlPathEqualTo(commentsPath(f))).withRequestBody(containing("Started session")));

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
}
