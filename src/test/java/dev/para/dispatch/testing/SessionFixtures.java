package dev.para.dispatch.testing;

import static io.restassured.RestAssured.given;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/** An account with a linked installation on its own GitHub owner, and GitHub answering for it. */
public final class SessionFixtures {

    private static final AtomicLong IDS = new AtomicLong(System.nanoTime() % 1_000_000_000L * 1000 + 500_000_000_000L);

    public final String account = "acct-" + UUID.randomUUID();
    public final String owner;
    public final String repo = "hello-world";
    public final long installationId = IDS.incrementAndGet();
    /** The GitHub user the account acts as. */
    public final String githubLogin = "user-" + installationId;

    private SessionFixtures(String owner) {
        this.owner = owner;
    }

    /** A new account whose installation (selection all) is linked and whose GitHub answers. */
    public static SessionFixtures linked(WireMockServer github) {
        return linked(github, new Database(Db.database()));
    }

    /** The same, in the given database (a fault test's own). */
    public static SessionFixtures linked(WireMockServer github, Database db) {
        SessionFixtures f = inDatabase(db, "org-" + UUID.randomUUID().toString().substring(0, 8));
        GitHubStubs.stubMintsRandomTokens(
                github, f.installationId, Instant.now().plus(Duration.ofHours(1)));
        GitHubStubs.stubRepository(github, f.owner, f.repo, "main");
        github.stubFor(WireMock.delete("/installation/token")
                .willReturn(WireMock.aResponse().withStatus(204)));
        f.stubPermission(github, f.githubLogin, "write");
        return f;
    }

    /**
     * A new account with its installation (selection all) on the given owner, linked in the
     * database only: the caller makes GitHub answer (benchmarks share a few stubs between many).
     */
    public static SessionFixtures inDatabase(String owner) {
        return inDatabase(new Database(Db.database()), owner);
    }

    private static SessionFixtures inDatabase(Database db, String owner) {
        SessionFixtures f = new SessionFixtures(owner);
        db.query(
                "INSERT INTO github_installations (installation_id, account_id, github_account_id, github_account_login,"
                        + " github_account_type, repository_selection, permissions, events, created_at, updated_at)"
                        + " VALUES (?, ?, ?, ?, 'Organization', 'all', '{\"contents\":\"write\",\"pull_requests\":\"write\"}',"
                        + " '{}', now(), now())",
                f.installationId,
                f.account,
                f.installationId,
                f.owner);
        // the account acts as a GitHub user of its own (linked through GET /api/v1/me/github in real life)
        db.query(
                "INSERT INTO account_github_identities (account_id, github_user_id, github_login, linked_at)"
                        + " VALUES (?, ?, ?, now())",
                f.account,
                f.installationId,
                f.githubLogin);
        return f;
    }

    /**
     * GitHub says {@code login} has {@code permission} (read, write, maintain, admin) on the
     * fixture's repository; a stub of low priority, so a test's own for the same user wins.
     */
    public void stubPermission(WireMockServer github, String login, String permission) {
        github.stubFor(WireMock.get(WireMock.urlPathEqualTo(
                        "/repos/" + owner + "/" + repo + "/collaborators/" + login + "/permission"))
                .atPriority(10)
                .willReturn(WireMock.aResponse()
                        .withStatus(200)
                        .withHeader("Content-Type", "application/json")
                        .withBody(GitHubStubs.fixture("collaborator-permission")
                                .replace("\"permission\": \"admin\"", "\"permission\": \"" + permission + "\"")
                                .replace("\"role_name\": \"admin\"", "\"role_name\": \"" + permission + "\""))));
    }

    public String repository() {
        return owner + "/" + repo;
    }

    public String bearer() {
        return ApiTokens.bearer(account);
    }

    /** The repository has no open pull request yet; each one created gets a number of its own. */
    public void stubPullRequests(WireMockServer github) {
        String pulls = "/repos/" + owner + "/" + repo + "/pulls";
        github.stubFor(WireMock.get(WireMock.urlPathEqualTo(pulls))
                .willReturn(WireMock.aResponse()
                        .withStatus(200)
                        .withHeader("Content-Type", "application/json")
                        .withBody("[]")));
        github.stubFor(WireMock.post(WireMock.urlPathEqualTo(pulls))
                .willReturn(WireMock.aResponse()
                        .withStatus(201)
                        .withHeader("Content-Type", "application/json")
                        .withBody(GitHubStubs.fixture("pull-created")
                                .replace(
                                        "\"html_url\": \"https://github.com/octocat/Hello-World/pull/1347\"",
                                        "\"html_url\": \"https://github.com/" + owner + "/" + repo
                                                + "/pull/{{randomInt lower=1 upper=99999}}\""))
                        .withTransformers("response-template")));
    }

    /** Creates a session with the given instances and prompt; its id. */
    public UUID create(int instances, String prompt) {
        String id = given().header("Authorization", bearer())
                .contentType("application/json")
                .body("{\"repository\":\"" + repository() + "\",\"prompt\":\"" + prompt + "\",\"instances\":"
                        + instances + "}")
                .when()
                .post("/api/v1/sessions")
                .then()
                .statusCode(202)
                .extract()
                .path("id");
        return UUID.fromString(id);
    }
}
