package dev.para.dispatch.github.manifest;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static dev.para.dispatch.testing.Webhooks.exampleFor;
import static dev.para.dispatch.testing.Webhooks.newDeliveryId;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
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
import org.junit.jupiter.api.Test;

/**
 * A fresh install with no App configured: the operator opens one URL, GitHub creates the App from
 * the manifest, and the service stores it sealed and uses it at once; after that the flow is closed.
 */
@QuarkusTest
@TestProfile(AppManifestFlowTest.NoApp.class)
class AppManifestFlowTest {

    public static class NoApp implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> overrides = new HashMap<>(Map.of("para.public-url", "https://para.example.test"));
            for (String key : List.of("app-id", "private-key-file", "webhook-secret", "previous-webhook-secret",
                    "app-slug", "oauth.client-id", "oauth.client-secret")) {
                overrides.put("para.github." + key, "");
            }
            return KubernetesMock.configWith(overrides);
        }
    }

    private static final Pattern ACTION = Pattern.compile("action=\"([^\"]+)\"");
    private static final Pattern MANIFEST = Pattern.compile("name=\"manifest\" value=\"([^\"]+)\"");

    @GitHubFake.Inject
    WireMockServer github;

    @Test
    void oneUrlCreatesTheAppWhichIsStoredSealedAndUsedAtOnce() throws Exception {
        Db.query("DELETE FROM github_app");
        // Not configured yet: ready (so the page is reachable), saying what to do.
        given().when().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'GitHub App credentials' }.data.setup", containsString("/github/app-manifest"));

        Response page = given().queryParam("organization", "acme").when().get("/github/app-manifest");
        page.then().statusCode(200).contentType(containsString("text/html")).header("Cache-Control", "no-store");
        Matcher action = ACTION.matcher(page.asString());
        Matcher manifestField = MANIFEST.matcher(page.asString());
        assertTrue(action.find() && manifestField.find(), page.asString());
        assertTrue(action.group(1).matches("http://127.0.0.1:" + github.port() + "/organizations/acme/settings/apps/new\\?state=.+"), action.group(1));
        String state = java.net.URLDecoder.decode(unescape(action.group(1)).replaceFirst(".*\\?state=", ""), "UTF-8");
        JsonNode manifest = new ObjectMapper().readTree(unescape(manifestField.group(1)));
        assertEquals("https://para.example.test/github/webhook", manifest.at("/hook_attributes/url").asText());
        assertEquals("https://para.example.test/github/app-manifest/callback", manifest.at("/redirect_url").asText());
        assertEquals("write", manifest.at("/default_permissions/contents").asText());
        assertEquals("read", manifest.at("/default_permissions/metadata").asText());

        github.stubFor(post(urlEqualTo("/app-manifests/code-123/conversions")).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json").withBody(GitHubStubs.fixture("app-manifest-conversion"))));
        given().redirects().follow(false).queryParam("code", "code-123").queryParam("state", state)
                .when().get("/github/app-manifest/callback").then()
                .statusCode(303).header("Location", "https://github.com/apps/octoapp/installations/new");

        Map<String, Object> row = Db.query("SELECT * FROM github_app").get(0);
        assertEquals(1L, ((Number) row.get("app_id")).longValue());
        assertEquals("octoapp", row.get("slug"));
        String stored = row.toString();
        for (String secret : List.of("e340154128314309424b7c8e90325147d99fdafa", "1726be1638095a19edd134c77bde3aa2ece1e5d8",
                "PRIVATE KEY")) {
            assertFalse(stored.contains(secret), "stored in the clear: " + secret);
        }
        assertTrue(((String) row.get("sealed_private_key")).startsWith("v1:"));

        // In use at once: ready as App 1, webhooks signed with its secret accepted, install links to it.
        given().when().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'GitHub App credentials' }.data.appId", equalTo("1"));
        byte[] ping = exampleFor("ping", 0, p -> {});
        given().header("X-GitHub-Event", "ping").header("X-GitHub-Delivery", newDeliveryId())
                .header("X-Hub-Signature-256", new WebhookSignature("e340154128314309424b7c8e90325147d99fdafa").header(ping))
                .contentType("application/json").body(ping)
                .when().post("/github/webhook").then().statusCode(202);
        given().header("Authorization", dev.para.dispatch.testing.ApiTokens.bearer("acme")).when()
                .get("/api/v1/installations/install-url").then().statusCode(200)
                .body("url", containsString("/apps/octoapp/installations/new?state="));

        // Closed from now on: nobody can swap the App, and the code is not converted again.
        given().when().get("/github/app-manifest").then().statusCode(409).contentType("application/problem+json");
        given().redirects().follow(false).queryParam("code", "code-456").queryParam("state", state)
                .when().get("/github/app-manifest/callback").then().statusCode(409);
        github.verify(1, postRequestedFor(urlPathMatching("/app-manifests/.*/conversions")));
        assertEquals(1, Db.count("SELECT count(*) FROM audit_events WHERE action = 'github-app.created' AND object_id = '1'"));
        assertTrue(java.nio.file.Files.readString(java.nio.file.Path.of("target/quarkus-test.log"))
                .lines().noneMatch(l -> l.contains("e340154128314309424b7c8e90325147d99fdafa")
                        || l.contains("1726be1638095a19edd134c77bde3aa2ece1e5d8")));
    }

    @Test
    void aForgedOrMissingStateOrCodeIsRefused() {
        given().queryParam("code", "x").queryParam("state", "v1:k2:forged").when().get("/github/app-manifest/callback").then()
                .statusCode(400).contentType("application/problem+json").body(not(containsString("Exception")));
        given().queryParam("code", "x").when().get("/github/app-manifest/callback").then().statusCode(400);
        given().queryParam("state", "s").when().get("/github/app-manifest/callback").then().statusCode(400);
        github.verify(0, postRequestedFor(urlEqualTo("/app-manifests/x/conversions")));
    }

    private static String unescape(String html) {
        return html.replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    }
}
