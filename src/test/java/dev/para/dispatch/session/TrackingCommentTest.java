package dev.para.dispatch.session;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.para.dispatch.testing.Db;
import dev.para.dispatch.testing.GitHubFake;
import dev.para.dispatch.testing.GitHubStubs;
import dev.para.dispatch.testing.SessionFixtures;
import dev.para.dispatch.work.LeasedWorkRunner;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * One tracking comment per session on its issue: posted when the session is accepted, then edited
 * in place as it moves, at most once per 5 s; never a second one, even when the replica that
 * posted it lost its id (a restart) or two replicas reach for it at once.
 */
@QuarkusTest
class TrackingCommentTest {

    private static final int ISSUE = 7;

    @GitHubFake.Inject
    WireMockServer github;

    @Inject
    TrackingComments tracking;

    @Inject
    LeasedWorkRunner runner;

    private static String comments(SessionFixtures f) {
        return "/repos/" + f.owner + "/" + f.repo + "/issues/" + ISSUE + "/comments";
    }

    private static String comment(SessionFixtures f, long id) {
        return "/repos/" + f.owner + "/" + f.repo + "/issues/comments/" + id;
    }

    /** The fake answers a posted comment with id {@code id}, and takes edits of it. */
    private void stubComments(SessionFixtures f, long id) {
        String created = GitHubStubs.fixture("issue-comment-created").replaceFirst("\"id\": 1,", "\"id\": " + id + ",");
        github.stubFor(post(urlPathEqualTo(comments(f))).willReturn(GitHubStubs.json(201, created)));
        github.stubFor(patch(urlPathEqualTo(comment(f, id))).willReturn(GitHubStubs.json(200, created)));
        github.stubFor(get(urlPathEqualTo(comments(f))).willReturn(GitHubStubs.json(200, "[]")));
    }

    private static UUID create(SessionFixtures f, int instances) {
        return UUID.fromString(given().header("Authorization", f.bearer())
                .contentType("application/json")
                .body("{\"repository\":\"" + f.repository() + "\",\"prompt\":\"Track me\",\"instances\":" + instances
                        + ",\"issue\":" + ISSUE + "}")
                .post("/api/v1/sessions")
                .then()
                .statusCode(202)
                .extract()
                .path("id"));
    }

    private List<LoggedRequest> posts(SessionFixtures f) {
        return github.findAll(postRequestedFor(urlPathEqualTo(comments(f))));
    }

    private List<LoggedRequest> edits(SessionFixtures f, long id) {
        return github.findAll(patchRequestedFor(urlPathEqualTo(comment(f, id))));
    }

    @Test
    void postedOnceWhenAcceptedThenEditedInPlaceAtMostEveryFiveSeconds() {
        SessionFixtures f = SessionFixtures.linked(github);
        stubComments(f, 4242);
        UUID id = create(f, 2);
        String marker = TrackingComment.marker(id);
        await().atMost(Duration.ofSeconds(20)).until(() -> posts(f).size() == 1);
        String first = posts(f).get(0).getBodyAsString();
        assertTrue(first.contains(marker), first);
        assertTrue(first.contains("| 1 | ") && first.contains("| 2 | "), "one row per instance: " + first);

        given().header("Authorization", f.bearer())
                .post("/api/v1/sessions/" + id + "/cancel")
                .then()
                .statusCode(200);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> edits(f, 4242).stream()
                        .anyMatch(r -> r.getBodyAsString().contains("cancelled")));
        List<LoggedRequest> edits = edits(f, 4242);
        edits.forEach(e -> assertTrue(e.getBodyAsString().contains(marker), "the same comment, edited"));
        long gap = edits.get(0).getLoggedDate().getTime()
                - posts(f).get(0).getLoggedDate().getTime();
        assertTrue(gap >= 4_900, "edited " + gap + " ms after it was posted: edits are at least 5 s apart");
        for (int i = 1; i < edits.size(); i++) {
            long between = edits.get(i).getLoggedDate().getTime()
                    - edits.get(i - 1).getLoggedDate().getTime();
            assertTrue(between >= 4_900, "two edits " + between + " ms apart");
        }
        assertEquals(1, posts(f).size(), "never a second comment");
        assertEquals(
                4242L,
                Db.query("SELECT tracking_comment_id FROM sessions WHERE id = ?", id)
                        .get(0)
                        .get("tracking_comment_id"));
    }

    /**
     * The replica that posted the comment died before it recorded its id: the next one finds the
     * comment by its marker and edits it, and two replicas reaching for it at once make one edit.
     */
    @Test
    void aLostCommentIdIsFoundByItsMarkerAndTwoReplicasMakeOneEdit() {
        SessionFixtures f = SessionFixtures.linked(github);
        stubComments(f, 5151);
        UUID id = create(f, 1);
        await().atMost(Duration.ofSeconds(20)).until(() -> posts(f).size() == 1);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> Db.query("SELECT tracking_comment_id FROM sessions WHERE id = ?", id)
                                .get(0)
                                .get("tracking_comment_id")
                        != null);

        // a session that no longer moves: only what this test does edits its comment
        given().header("Authorization", f.bearer())
                .post("/api/v1/sessions/" + id + "/cancel")
                .then()
                .statusCode(200);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> edits(f, 5151).stream()
                                .anyMatch(r -> r.getBodyAsString().contains("cancelled"))
                        && Db.query("SELECT tracking_due_at FROM sessions WHERE id = ?", id)
                                        .get(0)
                                        .get("tracking_due_at")
                                == null);

        // as if the write had not been recorded: GitHub has the comment, we lost its id
        github.stubFor(get(urlPathEqualTo(comments(f)))
                .willReturn(GitHubStubs.json(
                        200,
                        "[{\"id\": 5151, \"body\": \"" + TrackingComment.marker(id)
                                + "\\n### para session\", \"html_url\": \"https://github.com/x\"}]")));
        int editsBefore = edits(f, 5151).size();
        Db.query(
                "UPDATE sessions SET tracking_comment_id = NULL, tracking_edited_at = NULL,"
                        + " tracking_claimed_until = NULL, tracking_due_at = now() - interval '10 seconds' WHERE id = ?",
                id);
        CompletableFuture<Integer> a = runner.runOnce(tracking, 20).subscribeAsCompletionStage();
        CompletableFuture<Integer> b = runner.runOnce(tracking, 20).subscribeAsCompletionStage();
        CompletableFuture.allOf(a, b).join();
        await().atMost(Duration.ofSeconds(20)).until(() -> edits(f, 5151).size() > editsBefore);
        assertEquals(editsBefore + 1, edits(f, 5151).size(), "one edit, by one of the two");
        assertEquals(1, posts(f).size(), "never a second comment");
        assertEquals(
                5151L,
                Db.query("SELECT tracking_comment_id FROM sessions WHERE id = ?", id)
                        .get(0)
                        .get("tracking_comment_id"));
    }
}
