package dev.para.dispatch.session;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
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
import dev.para.dispatch.testing.LocalRuntimeProfile;
import dev.para.dispatch.testing.SessionFixtures;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Best-of-N end to end, on the local runtime: {@code @para -n 3 …} runs three agents that change
 * different amounts at different costs; once all three have opened their PRs, the session's one
 * tracking comment compares them; {@code @para pick 2} marks PR 2 ready and closes 1 and 3.
 */
@QuarkusTest
@TestProfile(LocalRuntimeProfile.class)
class BestOfNTest {

    @GitHubFake.Inject
    WireMockServer github;

    @Test
    void threeInstancesAreComparedInTheTrackingCommentAndPickKeepsOne() throws Exception {
        SessionFixtures f = SessionFixtures.linked(github);
        LocalRuntimeProfile.git().createRepository(f.owner + "/" + f.repo);
        f.stubPullRequests(github);
        for (int n = 1; n <= 3; n++) { // instance n's PR is number 100 + n
            github.stubFor(post(urlPathEqualTo("/repos/" + f.owner + "/" + f.repo + "/pulls"))
                    .withRequestBody(matchingJsonPath("$.head", matching(".*-" + n + "$")))
                    .willReturn(GitHubStubs.json(
                            201,
                            GitHubStubs.fixture("pull-created")
                                    .replace("\"number\": 1347", "\"number\": " + (100 + n))
                                    .replace(
                                            "\"html_url\": \"https://github.com/octocat/Hello-World/pull/1347\"",
                                            "\"html_url\": \"https://github.com/" + f.repository() + "/pull/"
                                                    + (100 + n) + "\""))));
        }
        f.stubPermission(github, "maintainer", "write");
        String repo = "/repos/" + f.owner + "/" + f.repo;
        github.stubFor(post(urlPathMatching(repo + "/issues/[0-9]+/comments"))
                .willReturn(GitHubStubs.json(201, GitHubStubs.fixture("issue-comment-created"))));
        github.stubFor(get(urlPathEqualTo(repo + "/issues/1/comments")).willReturn(GitHubStubs.json(200, "[]")));
        github.stubFor(patch(urlPathEqualTo(repo + "/issues/comments/1"))
                .willReturn(GitHubStubs.json(200, GitHubStubs.fixture("issue-comment-created"))));
        github.stubFor(get(urlPathMatching(repo + "/pulls/[0-9]+"))
                .willReturn(GitHubStubs.json(
                        200, GitHubStubs.fixture("pull-created").replace("\"draft\": false", "\"draft\": true"))));
        github.stubFor(patch(urlPathMatching(repo + "/pulls/[0-9]+"))
                .willReturn(GitHubStubs.json(200, GitHubStubs.fixture("pull-created"))));
        github.stubFor(post(urlPathEqualTo("/graphql"))
                .willReturn(GitHubStubs.json(
                        200, "{\"data\":{\"markPullRequestReadyForReview\":{\"pullRequest\":{\"isDraft\":false}}}}")));
        github.stubFor(delete(urlPathMatching(repo + "/git/refs/heads/.*"))
                .willReturn(aResponse().withStatus(204)));

        IssueComments.deliverComment(f, "created", "maintainer", "User", "@para -n 3 fake-agent: varied\nImprove it");
        UUID id = (UUID) Db.query("SELECT id FROM sessions WHERE installation_id = ?", f.installationId)
                .get(0)
                .get("id");

        // every instance opens its PR; then the one tracking comment shows them compared
        await().atMost(Duration.ofSeconds(90))
                .until(() -> Db.count(
                                "SELECT count(*) FROM session_instances WHERE session_id = ? AND pr_number IS NOT NULL",
                                id)
                        == 3);
        Map<Integer, Integer> pulls = new java.util.HashMap<>();
        Db.query("SELECT index, pr_number FROM session_instances WHERE session_id = ?", id)
                .forEach(row -> pulls.put((Integer) row.get("index"), (Integer) row.get("pr_number")));
        String tracking = repo + "/issues/comments/1";
        await().atMost(Duration.ofSeconds(60))
                .until(() -> github.findAll(patchRequestedFor(urlPathEqualTo(tracking))).stream()
                        .map(r -> r.getBodyAsString())
                        .anyMatch(body -> body.contains("Comparison")
                                && pulls.values().stream().allMatch(n -> body.contains("/pull/" + n))));
        List<String> bodies = github.findAll(patchRequestedFor(urlPathEqualTo(tracking))).stream()
                .map(r -> r.getBodyAsString())
                .toList();
        String last = bodies.get(bodies.size() - 1);
        for (int n = 1; n <= 3; n++) {
            assertTrue(
                    last.contains("| " + n + " | " + (n == 2 ? 3 : n) + " | +" + (n == 2 ? 3 : n) + "/−0 | "
                            + (n == 2 ? "yes" : "no")
                            + " | $0." + n + "0 | " + (n + 1) + " | "),
                    "instance " + n + " in the comparison: " + last);
            assertTrue(last.contains("Instance " + n + " wrote " + n + " file(s)."), last);
            assertTrue(last.contains("/pull/" + pulls.get(n)), last);
        }
        assertTrue(last.contains("**Total cost:** $0.60"), last);
        assertEquals(
                1,
                github.findAll(postRequestedFor(urlPathEqualTo(repo + "/issues/1/comments"))).stream()
                        .filter(r -> r.getBodyAsString().contains("<!-- para-session:"))
                        .count(),
                "one tracking comment");

        IssueComments.deliverComment(f, "created", "maintainer", "User", "@para pick 2");
        github.verify(
                1,
                postRequestedFor(urlPathEqualTo("/graphql"))
                        .withRequestBody(containing("markPullRequestReadyForReview")));
        for (int closed : new int[] {1, 3}) {
            github.verify(
                    1,
                    patchRequestedFor(urlPathEqualTo(repo + "/pulls/" + pulls.get(closed)))
                            .withRequestBody(equalToJson("{\"state\":\"closed\"}")));
        }
        github.verify(0, patchRequestedFor(urlPathEqualTo(repo + "/pulls/" + pulls.get(2))));
        assertEquals(
                2,
                Db.query("SELECT picked_instance FROM sessions WHERE id = ?", id)
                        .get(0)
                        .get("picked_instance"));
    }
}
