package dev.para.dispatch.session;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.para.dispatch.kubernetes.SessionJobBuilder;
import dev.para.dispatch.testing.GitHubFake;
import dev.para.dispatch.testing.KubernetesMock;
import dev.para.dispatch.testing.LogScan;
import dev.para.dispatch.testing.RegistryResource;
import dev.para.dispatch.testing.SessionFixtures;
import dev.para.dispatch.testing.Tools;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A session on an account's private agent image: checked before its Job is made, pulled with a
 * Secret of its own; an image that cannot be pulled fails the session at once with the reason.
 */
@QuarkusTest
class AgentImageLaunchTest {

    @GitHubFake.Inject
    WireMockServer github;

    @BeforeEach
    void registries() {
        Tools.require("docker-registry", "docker-registry");
    }

    private static void put(SessionFixtures f, String path, String body, int status) {
        given().header("Authorization", f.bearer())
                .contentType("application/json")
                .body(body)
                .when()
                .put(path)
                .then()
                .statusCode(status);
    }

    private static UUID create(SessionFixtures f, String agentImage) {
        String id = given().header("Authorization", f.bearer())
                .contentType("application/json")
                .body("{\"repository\":\"" + f.repository() + "\",\"prompt\":\"Lint\",\"agentImage\":\"" + agentImage
                        + "\"}")
                .when()
                .post("/api/v1/sessions")
                .then()
                .statusCode(202)
                .extract()
                .path("id");
        return UUID.fromString(id);
    }

    @Test
    void aPrivateImageIsPulledWithASecretOfTheSessionsOwn() throws Exception {
        SessionFixtures f = SessionFixtures.linked(github);
        String password = RegistryResource.READER.password();
        put(
                f,
                "/api/v1/credentials/reg",
                "{\"kind\":\"registry-basic\",\"username\":\"reader\",\"password\":\"" + password + "\"}",
                201);
        String image = RegistryResource.basic().host() + "/team/agent:1.0";
        put(
                f,
                "/api/v1/credentials/claude",
                "{\"kind\":\"claude-oauth-token\",\"value\":\"sk-ant-oat01-launchTest\"}",
                201);
        put(
                f,
                "/api/v1/agent-images/private",
                "{\"image\":\"" + image + "\",\"credential\":\"reg\","
                        + "\"agentCredential\":\"claude\",\"agentCommand\":\"claude-next\","
                        + "\"resources\":{\"cpuLimit\":\"3\",\"memoryRequest\":\"2Gi\"}}",
                201);

        UUID id = create(f, "private");
        SessionLifecycleTest.awaitSession(f, id, "RUNNING");
        Job job = KubernetesMock.client()
                .batch()
                .v1()
                .jobs()
                .withName(SessionJobBuilder.jobName(id))
                .get();
        var agent = job.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertEquals(image, agent.getImage());
        // the image's own command and resources, the service's defaults for the rest
        assertTrue(
                agent.getEnv().stream()
                        .anyMatch(e -> e.getName().equals("PARA_AGENT_COMMAND")
                                && e.getValue().equals("claude-next")),
                agent.getEnv().toString());
        assertEquals("3", agent.getResources().getLimits().get("cpu").toString());
        assertEquals("2Gi", agent.getResources().getRequests().get("memory").toString());
        assertEquals("4Gi", agent.getResources().getLimits().get("memory").toString());
        assertTrue(job.getSpec().getTemplate().getSpec().getImagePullSecrets().stream()
                .map(LocalObjectReference::getName)
                .anyMatch(SessionJobBuilder.pullSecretName(id)::equals));
        Secret pull = KubernetesMock.client()
                .secrets()
                .withName(SessionJobBuilder.pullSecretName(id))
                .get();
        assertEquals("kubernetes.io/dockerconfigjson", pull.getType());
        assertEquals(
                job.getMetadata().getName(),
                pull.getMetadata().getOwnerReferences().get(0).getName());
        JsonNode auths = new ObjectMapper()
                .readTree(Base64.getDecoder().decode(pull.getData().get(".dockerconfigjson")))
                .path("auths")
                .path(RegistryResource.basic().host());
        assertEquals("reader", auths.path("username").asText());
        assertEquals(password, auths.path("password").asText());

        // The agent's credential is a file of the session Secret, never an env value of the pod spec.
        Secret files = KubernetesMock.client()
                .secrets()
                .withName(SessionJobBuilder.jobName(id))
                .get();
        assertEquals(
                "sk-ant-oat01-launchTest",
                new String(Base64.getDecoder().decode(files.getData().get("claude-oauth-token"))));
        assertTrue(job.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .noneMatch(e -> String.valueOf(e.getValue()).contains("sk-ant-oat01")));

        // The pull credential is nowhere else: not in the API's answers, not in the log.
        given().header("Authorization", f.bearer())
                .get("/api/v1/sessions/" + id)
                .then()
                .body(Matchers.not(Matchers.containsString(password)));
        LogScan.assertNoSecrets(password, "sk-ant-oat01-launchTest");
    }

    @Test
    void anImageThatCannotBePulledFailsTheSessionAtOnce() {
        SessionFixtures f = SessionFixtures.linked(github);
        put(
                f,
                "/api/v1/credentials/reg",
                "{\"kind\":\"registry-basic\",\"username\":\"reader\",\"password\":\""
                        + RegistryResource.READER.password() + "\"}",
                201);
        put(
                f,
                "/api/v1/agent-images/private",
                "{\"image\":\"" + RegistryResource.basic().host() + "/team/agent:1.0\"," + "\"credential\":\"reg\"}",
                201);
        // The password changes after the image was registered: the launch finds out, not a kubelet.
        put(
                f,
                "/api/v1/credentials/reg",
                "{\"kind\":\"registry-basic\",\"username\":\"reader\",\"password\":\"rotated-away\"}",
                200);

        UUID id = create(f, "private");
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> given().header("Authorization", f.bearer())
                        .get("/api/v1/sessions/" + id)
                        .then()
                        .body("state", Matchers.equalTo("FAILED"))
                        .body(
                                "reason",
                                Matchers.startsWith(
                                        "the agent image cannot be pulled: the registry refused the credential")));
        assertEquals(
                null,
                KubernetesMock.client()
                        .batch()
                        .v1()
                        .jobs()
                        .withName(SessionJobBuilder.jobName(id))
                        .get(),
                "no Job for an image that cannot be pulled");
    }

    /**
     * Preflight: the agent's API key is shown once to the (fake) Anthropic model list before any
     * pod starts; refused, the session fails at once with the provider's word and no Job is made.
     * The answer is remembered: a second session with the key asks nothing. A key it accepts launches.
     */
    @Test
    void aRefusedAgentCredentialFailsTheSessionBeforeAnyPodStarts() throws Exception {
        SessionFixtures f = SessionFixtures.linked(github);
        put(
                f,
                "/api/v1/credentials/reg",
                "{\"kind\":\"registry-basic\",\"username\":\"reader\",\"password\":\""
                        + RegistryResource.READER.password() + "\"}",
                201);
        String image = RegistryResource.basic().host() + "/team/agent:1.0";
        String dead = "sk-ant-api03-dead-" + UUID.randomUUID();
        String alive = "sk-ant-api03-alive-" + UUID.randomUUID();
        for (var key : java.util.Map.of("dead", dead, "alive", alive).entrySet()) {
            put(
                    f,
                    "/api/v1/credentials/" + key.getKey(),
                    "{\"kind\":\"anthropic-api-key\",\"value\":\"" + key.getValue() + "\"}",
                    201);
            put(
                    f,
                    "/api/v1/agent-images/" + key.getKey(),
                    "{\"image\":\"" + image + "\",\"credential\":\"reg\",\"agentCredential\":\"" + key.getKey() + "\"}",
                    201);
        }
        String models = "/anthropic/v1/models";
        github.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(
                        com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo(models))
                .withHeader("x-api-key", com.github.tomakehurst.wiremock.client.WireMock.equalTo(dead))
                .willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse()
                        .withStatus(401)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\","
                                + "\"message\":\"invalid x-api-key\"}}")));
        github.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(
                        com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo(models))
                .withHeader("x-api-key", com.github.tomakehurst.wiremock.client.WireMock.equalTo(alive))
                .willReturn(
                        com.github.tomakehurst.wiremock.client.WireMock.okJson("{\"data\":[],\"has_more\":false}")));

        for (int attempt = 1; attempt <= 2; attempt++) {
            UUID id = create(f, "dead");
            SessionLifecycleTest.awaitSession(f, id, "FAILED");
            given().header("Authorization", f.bearer())
                    .get("/api/v1/sessions/" + id)
                    .then()
                    .body(
                            "instances[0].reason",
                            Matchers.startsWith("the agent credential (anthropic-api-key) was refused by http"))
                    .body("instances[0].reason", Matchers.containsString("/anthropic: 401 Unauthorized"));
            assertEquals(
                    null,
                    KubernetesMock.client()
                            .batch()
                            .v1()
                            .jobs()
                            .withName(SessionJobBuilder.jobName(id))
                            .get(),
                    "no pod was started");
        }
        github.verify(
                1,
                com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(
                                com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo(models))
                        .withHeader("x-api-key", com.github.tomakehurst.wiremock.client.WireMock.equalTo(dead)));

        UUID launched = create(f, "alive");
        SessionLifecycleTest.awaitSession(f, launched, "RUNNING");
        LogScan.assertNoSecrets(dead);
    }
}
