package dev.para.dispatch.github.manifest;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.para.dispatch.testing.Webhooks.exampleFor;
import static dev.para.dispatch.testing.Webhooks.newDeliveryId;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.para.dispatch.github.webhook.WebhookSignature;
import dev.para.dispatch.testing.Db;
import dev.para.dispatch.testing.GitHubFake;
import dev.para.dispatch.testing.GitHubStubs;
import dev.para.dispatch.testing.KubernetesMock;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A fresh install with no App configured: the operator opens one URL with the setup secret, GitHub
 * creates the App from the manifest, and the service stores it sealed and uses it at once; after
 * that the flow is closed. Nobody without the secret, and no other browser, can take that place.
 */
@QuarkusTest
@TestProfile(AppManifestFlowTest.NoApp.class)
class AppManifestFlowTest {

    public static class NoApp implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> overrides = new HashMap<>(Map.of(
                    "para.public-url",
                    "https://para.example.test",
                    "para.github.app-manifest.setup-secret",
                    SETUP_SECRET,
                    "para.github.app-manifest.expected-owner",
                    "GitHub"));
            for (String key : List.of(
                    "app-id",
                    "private-key-file",
                    "webhook-secret",
                    "previous-webhook-secret",
                    "app-slug",
                    "oauth.client-id",
                    "oauth.client-secret")) {
                overrides.put("para.github." + key, "");
            }
            return KubernetesMock.configWith(overrides);
        }
    }

    static final String SETUP_SECRET = "the-operators-setup-secret";
    private static final Pattern ACTION = Pattern.compile("action=\"([^\"]+)\"");
    private static final Pattern MANIFEST = Pattern.compile("name=\"manifest\" value=\"([^\"]+)\"");

    @GitHubFake.Inject
    WireMockServer github;

    /** The page as the operator's browser gets it: the state it carries, and the browser's cookie. */
    private record Started(String state, String cookie, String html) {}

    private Started open(String organization) {
        Response page = given().queryParam("setup_secret", SETUP_SECRET)
                .queryParam("organization", organization)
                .when()
                .get("/github/app-manifest");
        page.then().statusCode(200).contentType(containsString("text/html")).header("Cache-Control", "no-store");
        Matcher action = ACTION.matcher(page.asString());
        assertTrue(action.find(), page.asString());
        String state = java.net.URLDecoder.decode(
                unescape(action.group(1)).replaceFirst(".*\\?state=", ""), java.nio.charset.StandardCharsets.UTF_8);
        String setCookie = page.getHeader("Set-Cookie");
        assertTrue(
                setCookie.contains("HttpOnly")
                        && setCookie.contains("Secure")
                        && setCookie.contains("SameSite=Lax")
                        && setCookie.contains("Path=/github"),
                setCookie);
        return new Started(state, page.getCookie("para_app_manifest"), page.asString());
    }

    /** Each test starts with no App: whatever an earlier one created is reset. */
    @BeforeEach
    void noApp() {
        given().header("X-Para-Setup-Secret", SETUP_SECRET)
                .when()
                .delete("/github/app-manifest/app")
                .then()
                .statusCode(org.hamcrest.Matchers.oneOf(200, 404));
        Db.query("DELETE FROM github_app");
    }

    @Test
    void oneUrlCreatesTheAppWhichIsStoredSealedAndUsedAtOnce() throws Exception {
        long created =
                Db.count("SELECT count(*) FROM audit_events WHERE action = 'github-app.created' AND object_id = '1'");
        // Not configured yet: ready (so the page is reachable), saying what to do.
        given().when()
                .get("/q/health/ready")
                .then()
                .statusCode(200)
                .body(
                        "checks.find { it.name == 'GitHub App credentials' }.data.setup",
                        containsString("/github/app-manifest"));

        Started started = open("acme");
        Matcher action = ACTION.matcher(started.html());
        Matcher manifestField = MANIFEST.matcher(started.html());
        assertTrue(action.find() && manifestField.find(), started.html());
        assertTrue(
                action.group(1)
                        .matches("http://127.0.0.1:" + github.port()
                                + "/organizations/acme/settings/apps/new\\?state=.+"),
                action.group(1));
        JsonNode manifest = new ObjectMapper().readTree(unescape(manifestField.group(1)));
        assertEquals(
                "https://para.example.test/github/webhook",
                manifest.at("/hook_attributes/url").asText());
        assertEquals(
                "https://para.example.test/github/app-manifest/callback",
                manifest.at("/redirect_url").asText());
        assertEquals("write", manifest.at("/default_permissions/contents").asText());
        assertEquals("read", manifest.at("/default_permissions/metadata").asText());

        stubConversion("code-123");
        callback(started.cookie(), "code-123", started.state())
                .statusCode(303)
                .header("Location", "https://github.com/apps/octoapp/installations/new");

        Map<String, Object> row = Db.query("SELECT * FROM github_app").get(0);
        assertEquals(1L, ((Number) row.get("app_id")).longValue());
        assertEquals("octoapp", row.get("slug"));
        String stored = row.toString();
        for (String secret : List.of(
                "e340154128314309424b7c8e90325147d99fdafa",
                "1726be1638095a19edd134c77bde3aa2ece1e5d8",
                "PRIVATE KEY")) {
            assertFalse(stored.contains(secret), "stored in the clear: " + secret);
        }
        assertTrue(((String) row.get("sealed_private_key")).startsWith("v2:"));

        // In use at once: ready as App 1, webhooks signed with its secret accepted, install links to it.
        given().when()
                .get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("checks.find { it.name == 'GitHub App credentials' }.data.appId", equalTo("1"));
        byte[] ping = exampleFor("ping", 0, p -> {});
        given().header("X-GitHub-Event", "ping")
                .header("X-GitHub-Delivery", newDeliveryId())
                .header(
                        "X-Hub-Signature-256",
                        new WebhookSignature("e340154128314309424b7c8e90325147d99fdafa").header(ping))
                .contentType("application/json")
                .body(ping)
                .when()
                .post("/github/webhook")
                .then()
                .statusCode(202);
        given().header("Authorization", dev.para.dispatch.testing.ApiTokens.bearer("acme"))
                .when()
                .get("/api/v1/installations/install-url")
                .then()
                .statusCode(200)
                .body("url", containsString("https://para.example.test/github/install?state="));

        // Closed from now on: nobody can swap the App, and the code is not converted again.
        given().queryParam("setup_secret", SETUP_SECRET)
                .when()
                .get("/github/app-manifest")
                .then()
                .statusCode(409)
                .contentType("application/problem+json");
        callback(started.cookie(), "code-456", started.state())
                .statusCode(400)
                .body("errors[0].field", equalTo("state"));
        github.verify(1, postRequestedFor(urlEqualTo("/app-manifests/code-123/conversions")));
        github.verify(0, postRequestedFor(urlEqualTo("/app-manifests/code-456/conversions")));
        assertEquals(
                created + 1,
                Db.count("SELECT count(*) FROM audit_events WHERE action = 'github-app.created' AND object_id = '1'"));
        assertTrue(java.nio.file.Files.readString(java.nio.file.Path.of("target/quarkus-test.log"))
                .lines()
                .noneMatch(l -> l.contains("e340154128314309424b7c8e90325147d99fdafa")
                        || l.contains("1726be1638095a19edd134c77bde3aa2ece1e5d8")));
    }

    /** The attack: the first visitor after helm install creates the App under their own account. */
    @Test
    void withoutTheSetupSecretThereIsNoFlow() {
        long states = Db.count("SELECT count(*) FROM browser_states");
        given().when().get("/github/app-manifest").then().statusCode(404).contentType("application/problem+json");
        given().queryParam("setup_secret", "a-guess")
                .when()
                .get("/github/app-manifest")
                .then()
                .statusCode(404);
        given().queryParam("setup_secret", SETUP_SECRET + "x")
                .when()
                .get("/github/app-manifest")
                .then()
                .statusCode(404);
        given().header("X-Para-Setup-Secret", "a-guess")
                .when()
                .delete("/github/app-manifest/app")
                .then()
                .statusCode(404);
        assertEquals(states, Db.count("SELECT count(*) FROM browser_states"), "no state issued");
    }

    @Test
    void theStateWorksOnceAndOnlyInTheBrowserThatOpenedThePage() {
        Started started = open("acme");
        stubConversion("code-789");
        // another browser with the state (leaked through a log, a referrer, a shared screen): no cookie, or its own
        callback(null, "code-789", started.state()).statusCode(400).body("errors[0].field", equalTo("state"));
        given().redirects()
                .follow(false)
                .cookie("para_app_manifest", open("acme").cookie())
                .queryParam("code", "code-789")
                .queryParam("state", started.state())
                .when()
                .get("/github/app-manifest/callback")
                .then()
                .statusCode(400);
        github.verify(0, postRequestedFor(urlEqualTo("/app-manifests/code-789/conversions")));

        callback(started.cookie(), "code-789", started.state()).statusCode(303);
        noApp();
        // the flow is open again, but this state is spent
        callback(started.cookie(), "code-789", started.state())
                .statusCode(400)
                .body("detail", containsString("used already"));
        github.verify(1, postRequestedFor(urlEqualTo("/app-manifests/code-789/conversions")));
    }

    @Test
    void anAppOfAnotherOwnerIsRefusedAndNothingIsAdopted() {
        Started started = open("someone-else");
        github.stubFor(post(urlEqualTo("/app-manifests/code-owner/conversions"))
                .willReturn(aResponse()
                        .withStatus(201)
                        .withHeader("Content-Type", "application/json")
                        .withBody(GitHubStubs.fixture("app-manifest-conversion")
                                .replace("\"login\": \"github\"", "\"login\": \"mallory\""))));
        callback(started.cookie(), "code-owner", started.state())
                .statusCode(403)
                .body("type", equalTo("urn:para-dispatch:problem:app-owner-unexpected"))
                .body("detail", containsString("mallory"));
        assertEquals(0, Db.count("SELECT count(*) FROM github_app"));
        given().when()
                .get("/q/health/ready")
                .then()
                .statusCode(200)
                .body(
                        "checks.find { it.name == 'GitHub App credentials' }.data.setup",
                        containsString("/github/app-manifest"));
    }

    @Test
    void aResetForgetsTheCreatedAppAndOpensTheFlowAgain() {
        Started started = open("acme");
        stubConversion("code-reset");
        callback(started.cookie(), "code-reset", started.state()).statusCode(303);
        given().when()
                .get("/q/health/ready")
                .then()
                .body("checks.find { it.name == 'GitHub App credentials' }.data.appId", equalTo("1"));

        given().header("X-Para-Setup-Secret", SETUP_SECRET)
                .when()
                .delete("/github/app-manifest/app")
                .then()
                .statusCode(200)
                .body("resetAppId", equalTo(1));
        assertEquals(0, Db.count("SELECT count(*) FROM github_app"));
        assertEquals(
                1,
                Db.count("SELECT count(*) FROM audit_events WHERE action = 'github-app.reset'"
                        + " AND occurred_at > now() - interval '1 minute'"));
        open("acme"); // the flow is open again
    }

    @Test
    void aForgedOrMissingStateOrCodeIsRefused() {
        given().queryParam("code", "x")
                .queryParam("state", "v1:k2:forged")
                .when()
                .get("/github/app-manifest/callback")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body(not(containsString("Exception")));
        given().queryParam("code", "x")
                .when()
                .get("/github/app-manifest/callback")
                .then()
                .statusCode(400);
        given().queryParam("state", "s")
                .when()
                .get("/github/app-manifest/callback")
                .then()
                .statusCode(400);
        github.verify(0, postRequestedFor(urlEqualTo("/app-manifests/x/conversions")));
    }

    /** GitHub converts {@code code} into the App of its example. */
    private void stubConversion(String code) {
        github.stubFor(post(urlEqualTo("/app-manifests/" + code + "/conversions"))
                .willReturn(aResponse()
                        .withStatus(201)
                        .withHeader("Content-Type", "application/json")
                        .withBody(GitHubStubs.fixture("app-manifest-conversion"))));
    }

    /** GitHub's redirect back, from a browser holding {@code cookie} (null: none). */
    private static io.restassured.response.ValidatableResponse callback(String cookie, String code, String state) {
        var request = given().redirects().follow(false).queryParam("code", code).queryParam("state", state);
        if (cookie != null) {
            request = request.cookie("para_app_manifest", cookie);
        }
        return request.when().get("/github/app-manifest/callback").then();
    }

    private static String unescape(String html) {
        return html.replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&");
    }
}
