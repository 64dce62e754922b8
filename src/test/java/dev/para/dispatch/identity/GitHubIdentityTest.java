package dev.para.dispatch.identity;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.para.dispatch.testing.ApiTokens;
import dev.para.dispatch.testing.Db;
import dev.para.dispatch.testing.GitHubFake;
import dev.para.dispatch.testing.GitHubStubs;
import dev.para.dispatch.testing.LogScan;
import dev.para.dispatch.testing.SessionFixtures;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;

/**
 * Every session acts for a GitHub user who may push: an account links its GitHub identity once
 * (GitHub's OAuth flow, the state bound to the browser), and a create for a repository that user
 * cannot push to is refused, as is one from an account with no identity.
 */
@QuarkusTest
class GitHubIdentityTest {

    @GitHubFake.Inject
    WireMockServer github;

    @Test
    void anAccountLinksItsGitHubIdentityThroughGitHub() throws Exception {
        String account = "acct-" + UUID.randomUUID();
        String link = given().header("Authorization", ApiTokens.bearer(account))
                .when()
                .get("/api/v1/me/github")
                .then()
                .statusCode(200)
                .body("login", nullValue())
                .extract()
                .path("linkUrl");
        assertTrue(link.matches("http://localhost:\\d+/github/identity\\?state=.+"), link);
        String state = URLDecoder.decode(link.substring(link.indexOf("state=") + 6), StandardCharsets.UTF_8);

        var opened = given().redirects()
                .follow(false)
                .queryParam("state", state)
                .when()
                .get("/github/identity");
        opened.then()
                .statusCode(303)
                .header(
                        "Location",
                        Matchers.allOf(
                                containsString("/login/oauth/authorize?client_id=Iv1.testclientid"),
                                containsString("redirect_uri=http%3A%2F%2Flocalhost%3A"),
                                containsString("%2Fgithub%2Fidentity%2Fcallback")));
        String cookie = opened.getCookie("para_identity");

        String code = "code-" + UUID.randomUUID();
        String userToken = "ghu_" + UUID.randomUUID().toString().replace("-", "");
        GitHubStubs.stubOAuthUser(github, code, userToken, 4242, "mona");

        // another browser with the state gets nowhere; the one that opened the link does
        given().queryParam("code", code)
                .queryParam("state", state)
                .when()
                .get("/github/identity/callback")
                .then()
                .statusCode(400)
                .body("errors[0].field", Matchers.equalTo("state"));
        given().cookie("para_identity", cookie)
                .queryParam("code", code)
                .queryParam("state", state)
                .when()
                .get("/github/identity/callback")
                .then()
                .statusCode(200)
                .body("login", Matchers.equalTo("mona"));

        given().header("Authorization", ApiTokens.bearer(account))
                .when()
                .get("/api/v1/me/github")
                .then()
                .statusCode(200)
                .body("login", Matchers.equalTo("mona"))
                .body("userId", Matchers.equalTo(4242));
        assertEquals(
                1,
                Db.count(
                        "SELECT count(*) FROM audit_events WHERE action = 'github-identity.linked'"
                                + " AND account_id = ? AND details->>'githubLogin' = 'mona'",
                        account));
        LogScan.assertNoSecrets(userToken);
    }

    /** The attack: an account holder without write access runs an agent with contents: write on the repository. */
    @Test
    void aSessionForARepositoryTheUserCannotPushToIsRefused() {
        SessionFixtures f = SessionFixtures.linked(github);
        f.stubPermission(github, f.githubLogin, "read");
        create(f)
                .statusCode(403)
                .contentType("application/problem+json")
                .body("type", Matchers.equalTo("urn:para-dispatch:problem:push-permission-required"))
                .body("detail", containsString(f.githubLogin));
        assertEquals(0, Db.count("SELECT count(*) FROM sessions WHERE account_id = ?", f.account));
    }

    @Test
    void anAccountWithoutAGitHubIdentityIsToldHowToLinkOne() {
        SessionFixtures f = SessionFixtures.linked(github);
        Db.query("DELETE FROM account_github_identities WHERE account_id = ?", f.account);
        create(f)
                .statusCode(403)
                .contentType("application/problem+json")
                .body("type", Matchers.equalTo("urn:para-dispatch:problem:github-identity-required"))
                .body("detail", containsString("GET /api/v1/me/github"));
        assertEquals(0, Db.count("SELECT count(*) FROM sessions WHERE account_id = ?", f.account));
    }

    @Test
    void aSessionRecordsTheUserItActsFor() {
        SessionFixtures f = SessionFixtures.linked(github);
        String id = create(f).statusCode(202).extract().path("id");
        assertEquals(
                f.githubLogin,
                Db.query("SELECT acting_github_login FROM sessions WHERE id = ?::uuid", id)
                        .get(0)
                        .get("acting_github_login"));
    }

    private static io.restassured.response.ValidatableResponse create(SessionFixtures f) {
        return given().header("Authorization", f.bearer())
                .contentType("application/json")
                .body("{\"repository\":\"" + f.repository() + "\",\"prompt\":\"Fix it\"}")
                .when()
                .post("/api/v1/sessions")
                .then();
    }
}
