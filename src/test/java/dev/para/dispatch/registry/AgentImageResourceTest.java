package dev.para.dispatch.registry;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.para.dispatch.testing.ApiTokens;
import dev.para.dispatch.testing.Db;
import dev.para.dispatch.testing.GitHubFake;
import dev.para.dispatch.testing.LogScan;
import dev.para.dispatch.testing.RegistryResource;
import dev.para.dispatch.testing.SessionFixtures;
import dev.para.dispatch.testing.Tools;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import java.net.ServerSocket;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Credentials and agent images through the API, each image checked at a real registry. */
@QuarkusTest
class AgentImageResourceTest {

    final String account = "acct-" + UUID.randomUUID();

    @GitHubFake.Inject
    WireMockServer github;

    @BeforeEach
    void registries() {
        Tools.require("docker-registry", "docker-registry");
    }

    ValidatableResponse put(String path, String body) {
        return given().header("Authorization", ApiTokens.bearer(account))
                .contentType("application/json")
                .body(body)
                .when()
                .put(path)
                .then();
    }

    void login(String name, String password) {
        put(
                        "/api/v1/credentials/" + name,
                        "{\"kind\":\"registry-basic\",\"username\":\"reader\",\"password\":\"" + password + "\"}")
                .statusCode(201);
    }

    ValidatableResponse image(String name, String image, String credential) {
        return put(
                "/api/v1/agent-images/" + name,
                "{\"image\":\"" + image + "\"" + (credential == null ? "" : ",\"credential\":\"" + credential + "\"")
                        + "}");
    }

    @Test
    void credentialsAreStoredSealedAndNeverShown() {
        String password = RegistryResource.READER.password();
        put(
                        "/api/v1/credentials/reg",
                        "{\"kind\":\"registry-basic\",\"username\":\"reader\",\"password\":\"" + password + "\"}")
                .statusCode(201)
                .contentType("application/json")
                .body("name", equalTo("reg"))
                .body("kind", equalTo("registry-basic"))
                .body("fingerprint", startsWith("sha256:"))
                .body(not(containsString(password)))
                .body(not(containsString("reader")));
        put(
                        "/api/v1/credentials/reg",
                        "{\"kind\":\"registry-basic\",\"username\":\"reader\",\"password\":\"" + password + "\"}")
                .statusCode(200);
        put("/api/v1/credentials/claude", "{\"kind\":\"claude-oauth-token\",\"value\":\"sk-ant-oat01-secretvalue\"}")
                .statusCode(201);
        given().header("Authorization", ApiTokens.bearer(account))
                .get("/api/v1/credentials")
                .then()
                .statusCode(200)
                .body("items.name", hasItem("claude"))
                .body(not(containsString("sk-ant-oat01")));
        String stored = Db.query("SELECT sealed_value FROM credentials WHERE account_id = ?", account)
                .toString();
        assertFalse(stored.contains(password) || stored.contains("sk-ant-oat01"));
        given().header("Authorization", ApiTokens.bearer("someone-else"))
                .get("/api/v1/credentials/reg")
                .then()
                .statusCode(404);
        LogScan.assertNoSecrets(password, "sk-ant-oat01-secretvalue");
    }

    @Test
    void aPullableImageIsRegisteredWithItsDigest() {
        login("reg", RegistryResource.READER.password());
        String image = RegistryResource.basic().host() + "/team/agent:1.0";
        put(
                        "/api/v1/agent-images/python",
                        "{\"image\":\"" + image + "\",\"credential\":\"reg\",\"default\":true,"
                                + "\"resources\":{\"memoryLimit\":\"8Gi\"},\"agentCommand\":\"claude\"}")
                .statusCode(201)
                .body("image", equalTo(image))
                .body("credential", equalTo("reg"))
                .body("default", equalTo(true))
                .body("digest", equalTo(RegistryResource.digest()))
                .body("resources.memoryLimit", equalTo("8Gi"));
        image("via-token", RegistryResource.token().host() + "/team/agent:1.0", "reg")
                .statusCode(201);
        given().header("Authorization", ApiTokens.bearer(account))
                .get("/api/v1/agent-images")
                .then()
                .statusCode(200)
                .body("items.name", contains("python", "via-token"));
        String next = given().header("Authorization", ApiTokens.bearer(account))
                .queryParam("limit", 1)
                .get("/api/v1/agent-images")
                .then()
                .statusCode(200)
                .body("items.name", contains("python"))
                .extract()
                .path("next");
        given().header("Authorization", ApiTokens.bearer(account))
                .queryParam("limit", 1)
                .queryParam("cursor", next)
                .get("/api/v1/agent-images")
                .then()
                .statusCode(200)
                .body("items.name", contains("via-token"))
                .body("next", nullValue());
        given().header("Authorization", ApiTokens.bearer("someone-else"))
                .get("/api/v1/agent-images/python")
                .then()
                .statusCode(404);

        // In use: the credential stays until its images are gone.
        given().header("Authorization", ApiTokens.bearer(account))
                .delete("/api/v1/credentials/reg")
                .then()
                .statusCode(409);
        given().header("Authorization", ApiTokens.bearer(account))
                .delete("/api/v1/agent-images/python")
                .then()
                .statusCode(204);
        given().header("Authorization", ApiTokens.bearer(account))
                .delete("/api/v1/agent-images/via-token")
                .then()
                .statusCode(204);
        given().header("Authorization", ApiTokens.bearer(account))
                .delete("/api/v1/credentials/reg")
                .then()
                .statusCode(204);
    }

    @Test
    void anImageThatCannotBePulledIsRefusedWithTheRegistrysReason() throws Exception {
        login("reg", RegistryResource.READER.password());
        login("wrong", "not-the-password");
        String basic = RegistryResource.basic().host();
        String token = RegistryResource.token().host();
        refused(image("a", basic + "/team/agent:1.0", "wrong"), "authentication");
        refused(image("b", token + "/team/agent:1.0", "wrong"), "authentication");
        refused(image("c", basic + "/team/agent:9.9", "reg"), "manifest-not-found");
        refused(image("d", basic + "/team/nothing-here:1.0", "reg"), "repository-not-found");
        refused(image("e", basic + "/team/agent:1.0", null), "authentication");
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        refused(image("f", "127.0.0.1:" + closed + "/team/agent:1.0", "reg"), "unreachable");
        given().header("Authorization", ApiTokens.bearer(account))
                .get("/api/v1/agent-images")
                .then()
                .statusCode(200)
                .body("items.size()", equalTo(0));
    }

    @Test
    void badInputIsAProblemAndChangesNothing() {
        image("x", "ghcr.io/Acme/agent", null)
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("image"));
        image("Bad Name", "ghcr.io/acme/agent:1", null).statusCode(400);
        image("x", RegistryResource.basic().host() + "/team/agent:1.0", "no-such-credential")
                .statusCode(422)
                .body("type", equalTo("urn:para-dispatch:problem:credential-unusable"));
        login("reg", RegistryResource.READER.password());
        put(
                        "/api/v1/agent-images/x",
                        "{\"image\":\"" + RegistryResource.basic().host() + "/team/agent:1.0\","
                                + "\"credential\":\"reg\",\"agentCredential\":\"reg\"}")
                .statusCode(422)
                .body("detail", containsString("agentCredential"));
        put(
                        "/api/v1/agent-images/x",
                        "{\"image\":\"" + RegistryResource.basic().host() + "/team/agent:1.0\","
                                + "\"resources\":{\"cpuLimit\":\"64\"}}")
                .statusCode(400)
                .body("errors[0].field", equalTo("resources.cpuLimit"))
                .body("errors[0].message", equalTo("must be at most 8 (para.kubernetes.pod.max-cpu)"));
        image("x", RegistryResource.basic().host() + "/team/agent:1.0", "github-app")
                .statusCode(422)
                .body("errors[0].field", equalTo("credential"));
        put("/api/v1/credentials/k", "{\"kind\":\"password\",\"value\":\"x\"}")
                .statusCode(400)
                .body("errors[0].field", equalTo("kind"));
        put("/api/v1/credentials/k", "{\"kind\":\"registry-basic\",\"username\":\"u\"}")
                .statusCode(400)
                .body("errors[0].field", equalTo("password"));
        given().header("Authorization", ApiTokens.bearer(account))
                .get("/api/v1/credentials")
                .then()
                .body("items.size()", equalTo(1));
        given().header("Authorization", ApiTokens.bearer(account))
                .get("/api/v1/agent-images")
                .then()
                .body("items.size()", equalTo(0));
    }

    /**
     * GitHub documents that ghcr.io takes personal access tokens (classic), not App installation
     * tokens: {@code github-app} is refused with what to use instead, and no token is minted for it.
     */
    @Test
    void githubAppPullsAreRefusedWithWhatToUseInstead() {
        SessionFixtures f = SessionFixtures.linked(github);
        given().header("Authorization", f.bearer())
                .contentType("application/json")
                .body("{\"image\":\"ghcr.io/" + f.owner + "/agent:1.0\",\"credential\":\"github-app\"}")
                .when()
                .put("/api/v1/agent-images/ghcr")
                .then()
                .statusCode(422)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:para-dispatch:problem:credential-unusable"))
                .body("errors[0].field", equalTo("credential"))
                .body("detail", containsString("personal access token (classic) with read:packages"));
        github.verify(0, postRequestedFor(urlEqualTo("/app/installations/" + f.installationId + "/access_tokens")));
        given().header("Authorization", f.bearer())
                .get("/api/v1/agent-images")
                .then()
                .body("items.size()", equalTo(0));
    }

    /**
     * A caller who names an internal host as the registry learns nothing about it: a 422 that
     * names no address kind, status or exception, and no connection is made.
     */
    @Test
    void aRegistryAtAnInternalAddressIsRefusedWithoutAConnection() throws Exception {
        var internal = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        var connections = new java.util.concurrent.atomic.AtomicInteger();
        internal.createContext("/", exchange -> {
            connections.incrementAndGet();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        internal.start();
        try {
            // the test registries are allowed by the name 127.0.0.1; localhost is the same address by another name
            String image = "localhost:" + internal.getAddress().getPort() + "/team/agent:1.0";
            var response = image("internal", image, null);
            refused(response, "address-refused");
            response.body("errors[0].message", not(containsString("loopback")))
                    .body("detail", not(containsString("Exception")));
            assertEquals(0, connections.get());
        } finally {
            internal.stop(0);
        }
    }

    private static void refused(ValidatableResponse response, String reason) {
        response.statusCode(422)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:para-dispatch:problem:image-not-pullable"))
                .body("errors[0].field", equalTo("image"))
                .body("errors[0].message", startsWith(reason + ":"));
    }
}
