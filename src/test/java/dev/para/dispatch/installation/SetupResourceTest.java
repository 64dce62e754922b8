package dev.para.dispatch.installation;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.para.dispatch.testing.ApiTokens;
import dev.para.dispatch.testing.Db;
import dev.para.dispatch.testing.GitHubFake;
import dev.para.dispatch.testing.GitHubStubs;
import dev.para.dispatch.testing.LogScan;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;

@QuarkusTest
class SetupResourceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @GitHubFake.Inject
    WireMockServer github;

    /** An install link opened in a browser: the state GitHub hands back, and the browser's cookie. */
    record Browser(String state, String cookie) {}

    /** The caller asks for an install link, and a browser opens it: the service binds it there and sends it to GitHub. */
    static Browser stateFor(String account) {
        String url = given().header("Authorization", ApiTokens.bearer(account))
                .when()
                .get("/api/v1/installations/install-url")
                .then()
                .statusCode(200)
                .extract()
                .path("url");
        assertTrue(url.matches("http://localhost:\\d+/github/install\\?state=.+"), url);
        String state = URLDecoder.decode(url.substring(url.indexOf("state=") + 6), StandardCharsets.UTF_8);
        var opened = given().redirects()
                .follow(false)
                .queryParam("state", state)
                .when()
                .get("/github/install");
        opened.then()
                .statusCode(303)
                .header(
                        "Location",
                        Matchers.endsWith("/apps/para-dispatch-test/installations/new?state="
                                + java.net.URLEncoder.encode(state, StandardCharsets.UTF_8)))
                .header(
                        "Set-Cookie",
                        Matchers.allOf(
                                Matchers.containsString("HttpOnly"),
                                Matchers.containsString("Secure"),
                                Matchers.containsString("SameSite=Lax")));
        return new Browser(state, opened.getCookie("para_setup"));
    }

    /** The user's OAuth code exchanges for a user token of GitHub user {@code userId}, whose installations are as given. */
    void stubUser(String code, String userToken, long userId, long... installationIds) throws IOException {
        GitHubStubs.stubOAuthUser(github, code, userToken, userId, "user" + userId);
        ObjectNode example = (ObjectNode) JSON.readTree(
                Path.of("src/test/resources/github/api/user-installations.json").toFile());
        ArrayNode list = JSON.createArrayNode();
        for (long id : installationIds) {
            list.add(((ObjectNode) example.get("installations").get(0).deepCopy()).put("id", id));
        }
        example.put("total_count", installationIds.length).set("installations", list);
        github.stubFor(get(urlPathEqualTo("/user/installations"))
                .withHeader("Authorization", equalTo("Bearer " + userToken))
                .willReturn(aResponse()
                        .withHeader("Content-Type", "application/json")
                        .withBody(JSON.writeValueAsString(example))));
    }

    /**
     * GitHub lists installation {@code id} for the user of {@code userToken} as one on organization
     * octo-org, of which the user is a member with {@code role} (admin, member).
     */
    void stubOrganizationMember(String userToken, long id, String role) throws IOException {
        github.stubFor(get(urlPathEqualTo("/user/installations"))
                .withHeader("Authorization", equalTo("Bearer " + userToken))
                .willReturn(aResponse()
                        .withHeader("Content-Type", "application/json")
                        .withBody(organizationInstallations(id))));
        ObjectNode membership =
                (ObjectNode) JSON.readTree(Path.of("src/test/resources/github/api/user-org-membership.json")
                        .toFile());
        membership.put("state", "active").put("role", role);
        github.stubFor(get(urlPathEqualTo("/user/memberships/orgs/octo-org"))
                .withHeader("Authorization", equalTo("Bearer " + userToken))
                .willReturn(aResponse()
                        .withHeader("Content-Type", "application/json")
                        .withBody(JSON.writeValueAsString(membership))));
    }

    /** GitHub told us (installation.created) that {@code installer} installed the organization installation {@code id}. */
    static void installedBy(long id, long installer) {
        byte[] body = dev.para.dispatch.testing.Webhooks.exampleFor("installation.created", id, p -> {
            ((ObjectNode) p.get("installation").get("account"))
                    .put("login", "octo-org")
                    .put("id", 900 + id % 1000)
                    .put("type", "Organization");
            ((ObjectNode) p.get("sender")).put("id", installer);
        });
        String delivery = dev.para.dispatch.testing.Webhooks.newDeliveryId();
        dev.para.dispatch.testing.Webhooks.deliver("installation", delivery, body)
                .statusCode(202);
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(20))
                .until(() -> Db.count(
                                "SELECT count(*) FROM github_installations WHERE installation_id = ? AND installer_github_id = ?",
                                id,
                                installer)
                        == 1);
    }

    private static io.restassured.response.ValidatableResponse setup(
            Browser browser, String code, long installationId) {
        var request = given().queryParam("code", code)
                .queryParam("installation_id", installationId)
                .queryParam("setup_action", "install")
                .queryParam("state", browser.state());
        if (browser.cookie() != null) {
            request = request.cookie("para_setup", browser.cookie());
        }
        return request.when().get("/github/setup").then();
    }

    static long newId() {
        return ThreadLocalRandom.current().nextLong(1_000_000, Long.MAX_VALUE / 2);
    }

    @Test
    void linksTheInstallationForTheUserWhoInstalledIt() throws IOException {
        String account = "acct-" + UUID.randomUUID();
        long id = newId();
        long installer = newId();
        installedBy(id, installer);
        String code = "code-" + UUID.randomUUID();
        String userToken = "ghu_" + UUID.randomUUID().toString().replace("-", "");
        stubUser(code, userToken, installer, newId(), id);

        setup(stateFor(account), code, id)
                .statusCode(200)
                .body("id", Matchers.equalTo(id))
                .header("Set-Cookie", Matchers.containsString("Max-Age=0"));

        assertEquals(
                account,
                Db.query("SELECT account_id FROM github_installations WHERE installation_id = ?", id)
                        .get(0)
                        .get("account_id"));
        given().header("Authorization", ApiTokens.bearer(account))
                .when()
                .get("/api/v1/installations/" + id)
                .then()
                .statusCode(200);
        assertEquals(
                1,
                Db.count(
                        "SELECT count(*) FROM audit_events WHERE action = 'installation.linked' AND object_id = ?"
                                + " AND details->>'githubLogin' = ?",
                        String.valueOf(id),
                        "user" + installer));
        LogScan.assertNoSecrets(userToken, code);
    }

    @Test
    void linksForAnOwnerOfTheOrganization() throws IOException {
        String account = "acct-" + UUID.randomUUID();
        long id = newId();
        installedBy(id, newId());
        String code = "code-" + UUID.randomUUID();
        String userToken = "ghu_" + UUID.randomUUID().toString().replace("-", "");
        long owner = newId();
        stubUser(code, userToken, owner, id);
        stubOrganizationMember(userToken, id, "admin");

        setup(stateFor(account), code, id).statusCode(200).body("id", Matchers.equalTo(id));
    }

    /** The attack: a read-only member of the organization sees the installation and links it to their own account. */
    @Test
    void aMemberWhoNeitherInstalledNorOwnsItCannotLinkIt() throws IOException {
        String attacker = "acct-" + UUID.randomUUID();
        long id = newId();
        installedBy(id, newId());
        String code = "code-" + UUID.randomUUID();
        String userToken = "ghu_" + UUID.randomUUID().toString().replace("-", "");
        stubUser(code, userToken, newId(), id);
        stubOrganizationMember(userToken, id, "member");

        setup(stateFor(attacker), code, id)
                .statusCode(403)
                .contentType("application/problem+json")
                .body("type", Matchers.equalTo("urn:para-dispatch:problem:installation-link-forbidden"));
        assertNull(Db.query("SELECT account_id FROM github_installations WHERE installation_id = ?", id)
                .get(0)
                .get("account_id"));
    }

    @Test
    void neverTrustsTheInstallationIdOfTheRedirect() throws IOException {
        String account = "acct-" + UUID.randomUUID();
        long notTheUsers = newId();
        String code = "code-" + UUID.randomUUID();
        stubUser(code, "ghu_" + UUID.randomUUID().toString().replace("-", ""), newId(), newId());

        setup(stateFor(account), code, notTheUsers)
                .statusCode(403)
                .contentType("application/problem+json")
                .body("type", Matchers.equalTo("urn:para-dispatch:problem:installation-not-accessible"));
        assertEquals(0, Db.count("SELECT count(*) FROM github_installations WHERE installation_id = ?", notTheUsers));
    }

    @Test
    void refusesAMissingForgedOrReusedState() throws IOException {
        long id = newId();
        given().queryParam("code", "c")
                .queryParam("installation_id", id)
                .when()
                .get("/github/setup")
                .then()
                .statusCode(400)
                .body("errors[0].field", Matchers.equalTo("state"));
        given().queryParam("code", "c")
                .queryParam("installation_id", id)
                .queryParam("state", "v1:k2:forged")
                .when()
                .get("/github/setup")
                .then()
                .statusCode(400)
                .body("errors[0].field", Matchers.equalTo("state"));
        given().queryParam("installation_id", id)
                .queryParam("state", "x")
                .when()
                .get("/github/setup")
                .then()
                .statusCode(400)
                .body("errors[0].field", Matchers.equalTo("code"));

        // a state used once is spent, even in the browser that used it
        String account = "acct-" + UUID.randomUUID();
        long installer = newId();
        installedBy(id, installer);
        String code = "code-" + UUID.randomUUID();
        stubUser(code, "ghu_" + UUID.randomUUID().toString().replace("-", ""), installer, id);
        Browser browser = stateFor(account);
        setup(browser, code, id).statusCode(200);
        setup(browser, code, id)
                .statusCode(400)
                .body("errors[0].field", Matchers.equalTo("state"))
                .body("detail", Matchers.containsString("used already"));
        assertEquals(
                1,
                Db.count(
                        "SELECT count(*) FROM audit_events WHERE action = 'installation.linked' AND object_id = ?",
                        String.valueOf(id)));
    }

    /** The attack: an install link (or the state in it) leaks, and someone else's browser completes it. */
    @Test
    void aStateFromAnotherBrowserIsRefused() throws IOException {
        long id = newId();
        long installer = newId();
        installedBy(id, installer);
        String code = "code-" + UUID.randomUUID();
        stubUser(code, "ghu_" + UUID.randomUUID().toString().replace("-", ""), installer, id);
        Browser victims = stateFor("acct-" + UUID.randomUUID());
        // the link can be opened once: a second browser gets no cookie for it
        given().redirects()
                .follow(false)
                .queryParam("state", victims.state())
                .when()
                .get("/github/install")
                .then()
                .statusCode(400)
                .body("errors[0].field", Matchers.equalTo("state"));
        setup(new Browser(victims.state(), null), code, id).statusCode(400);
        setup(new Browser(victims.state(), stateFor("acct-other").cookie()), code, id)
                .statusCode(400);
        assertNull(Db.query("SELECT account_id FROM github_installations WHERE installation_id = ?", id)
                .get(0)
                .get("account_id"));
        github.verify(
                0, postRequestedFor(urlEqualTo("/login/oauth/access_token")).withRequestBody(containing(code)));
    }

    @Test
    void theLinkedAccountCanUnlink() throws IOException {
        String account = "acct-" + UUID.randomUUID();
        long id = newId();
        long installer = newId();
        installedBy(id, installer);
        String code = "code-" + UUID.randomUUID();
        stubUser(code, "ghu_" + UUID.randomUUID().toString().replace("-", ""), installer, id);
        setup(stateFor(account), code, id).statusCode(200);

        Db.query(
                "INSERT INTO account_github_identities (account_id, github_user_id, github_login, linked_at)"
                        + " VALUES (?, ?, 'the-unlinker', now())",
                account,
                installer);
        given().header("Authorization", ApiTokens.bearer("acct-other"))
                .when()
                .delete("/api/v1/installations/" + id + "/link")
                .then()
                .statusCode(404)
                .contentType("application/problem+json");
        given().header("Authorization", ApiTokens.bearer(account))
                .when()
                .delete("/api/v1/installations/" + id + "/link")
                .then()
                .statusCode(204);
        given().header("Authorization", ApiTokens.bearer(account))
                .when()
                .get("/api/v1/installations/" + id)
                .then()
                .statusCode(404);
        assertNull(Db.query("SELECT account_id FROM github_installations WHERE installation_id = ?", id)
                .get(0)
                .get("account_id"));
        assertEquals(
                1,
                Db.count(
                        "SELECT count(*) FROM audit_events WHERE action = 'installation.unlinked' AND object_id = ?"
                                + " AND account_id = ? AND details->>'githubLogin' = 'the-unlinker'",
                        String.valueOf(id),
                        account));
    }

    private static String organizationInstallations(long id) throws IOException {
        ObjectNode example = (ObjectNode) JSON.readTree(
                Path.of("src/test/resources/github/api/user-installations.json").toFile());
        ObjectNode installation =
                ((ObjectNode) example.get("installations").get(0).deepCopy()).put("id", id);
        ((ObjectNode) installation.get("account"))
                .put("login", "octo-org")
                .put("id", 900 + id % 1000)
                .put("type", "Organization");
        example.put("total_count", 1)
                .set("installations", JSON.createArrayNode().add(installation));
        return JSON.writeValueAsString(example);
    }

    @Test
    void aCodeGitHubRefusesIsUnauthorized() {
        String code = "bad-" + UUID.randomUUID();
        github.stubFor(
                post(urlEqualTo("/login/oauth/access_token"))
                        .withRequestBody(containing(code))
                        .willReturn(
                                aResponse()
                                        .withHeader("Content-Type", "application/json")
                                        .withBody(
                                                "{\"error\":\"bad_verification_code\",\"error_description\":\"The code passed is incorrect or expired.\"}")));
        long id = newId();
        setup(stateFor("acct-" + UUID.randomUUID()), code, id)
                .statusCode(401)
                .body("type", Matchers.equalTo("urn:para-dispatch:problem:oauth-code-rejected"));
        assertNull(Db.query("SELECT 1 FROM github_installations WHERE installation_id = ?", id).stream()
                .findFirst()
                .orElse(null));
    }
}
