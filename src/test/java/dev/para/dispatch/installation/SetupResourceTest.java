package dev.para.dispatch.installation;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
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

    /** The caller asks for an install link; the state in it is what GitHub hands back. */
    static String stateFor(String account) {
        String url = given().header("Authorization", ApiTokens.bearer(account))
                .when().get("/api/v1/installations/install-url").then()
                .statusCode(200).extract().path("url");
        assertTrue(url.contains("/apps/para-dispatch-test/installations/new?state="), url);
        return URLDecoder.decode(url.substring(url.indexOf("state=") + 6), StandardCharsets.UTF_8);
    }

    /** The user's OAuth code exchanges for a user token, whose installations are as given. */
    void stubUser(String code, String userToken, long... installationIds) throws IOException {
        github.stubFor(post(urlEqualTo("/login/oauth/access_token"))
                .withRequestBody(equalToJson("{\"client_id\":\"Iv1.testclientid\",\"client_secret\":\"test-oauth-client-secret\",\"code\":\"" + code + "\"}"))
                .willReturn(aResponse().withHeader("Content-Type", "application/json")
                        .withBody("{\"access_token\":\"" + userToken + "\",\"token_type\":\"bearer\",\"scope\":\"\"}")));
        ObjectNode example = (ObjectNode) JSON.readTree(Path.of("src/test/resources/github/api/user-installations.json").toFile());
        ArrayNode list = JSON.createArrayNode();
        for (long id : installationIds) {
            list.add(((ObjectNode) example.get("installations").get(0).deepCopy()).put("id", id));
        }
        example.put("total_count", installationIds.length).set("installations", list);
        github.stubFor(get(urlPathEqualTo("/user/installations")).withHeader("Authorization", equalTo("Bearer " + userToken))
                .willReturn(aResponse().withHeader("Content-Type", "application/json")
                        .withBody(JSON.writeValueAsString(example))));
    }

    static long newId() {
        return ThreadLocalRandom.current().nextLong(1_000_000, Long.MAX_VALUE / 2);
    }

    @Test
    void linksTheInstallationWhenGitHubListsItForTheUser() throws IOException {
        String account = "acct-" + UUID.randomUUID();
        long id = newId();
        String code = "code-" + UUID.randomUUID();
        String userToken = "ghu_" + UUID.randomUUID().toString().replace("-", "");
        stubUser(code, userToken, newId(), id);

        given().queryParam("code", code).queryParam("installation_id", id).queryParam("setup_action", "install")
                .queryParam("state", stateFor(account))
                .when().get("/github/setup").then()
                .statusCode(200).body("id", Matchers.equalTo(id)).body("githubAccount", Matchers.equalTo("octocat"));

        assertEquals(account, Db.query("SELECT account_id FROM github_installations WHERE installation_id = ?", id)
                .get(0).get("account_id"));
        given().header("Authorization", ApiTokens.bearer(account)).when().get("/api/v1/installations/" + id)
                .then().statusCode(200);
        LogScan.assertNoSecrets(userToken, code);
    }

    @Test
    void neverTrustsTheInstallationIdOfTheRedirect() throws IOException {
        String account = "acct-" + UUID.randomUUID();
        long notTheUsers = newId();
        String code = "code-" + UUID.randomUUID();
        stubUser(code, "ghu_" + UUID.randomUUID().toString().replace("-", ""), newId());

        given().queryParam("code", code).queryParam("installation_id", notTheUsers).queryParam("state", stateFor(account))
                .when().get("/github/setup").then()
                .statusCode(403).contentType("application/problem+json")
                .body("type", Matchers.equalTo("urn:para-dispatch:problem:installation-not-accessible"));
        assertEquals(0, Db.count("SELECT count(*) FROM github_installations WHERE installation_id = ?", notTheUsers));
    }

    @Test
    void refusesAMissingForgedOrReusedState() {
        long id = newId();
        given().queryParam("code", "c").queryParam("installation_id", id)
                .when().get("/github/setup").then().statusCode(400).body("errors[0].field", Matchers.equalTo("state"));
        given().queryParam("code", "c").queryParam("installation_id", id).queryParam("state", "v1:k2:forged")
                .when().get("/github/setup").then().statusCode(400).body("errors[0].field", Matchers.equalTo("state"));
        given().queryParam("installation_id", id).queryParam("state", "x")
                .when().get("/github/setup").then().statusCode(400).body("errors[0].field", Matchers.equalTo("code"));
    }

    @Test
    void aCodeGitHubRefusesIsUnauthorized() {
        String code = "bad-" + UUID.randomUUID();
        github.stubFor(post(urlEqualTo("/login/oauth/access_token")).withRequestBody(containing(code))
                .willReturn(aResponse().withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":\"bad_verification_code\",\"error_description\":\"The code passed is incorrect or expired.\"}")));
        long id = newId();
        given().queryParam("code", code).queryParam("installation_id", id).queryParam("state", stateFor("acct-" + UUID.randomUUID()))
                .when().get("/github/setup").then()
                .statusCode(401).body("type", Matchers.equalTo("urn:para-dispatch:problem:oauth-code-rejected"));
        assertNull(Db.query("SELECT 1 FROM github_installations WHERE installation_id = ?", id).stream().findFirst().orElse(null));
    }
}
