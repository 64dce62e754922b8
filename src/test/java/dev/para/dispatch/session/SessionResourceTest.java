package dev.para.dispatch.session;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import dev.para.dispatch.testing.Db;
import dev.para.dispatch.testing.GitHubFake;
import dev.para.dispatch.testing.GitHubStubs;
import dev.para.dispatch.testing.Kubelet;
import dev.para.dispatch.testing.KubernetesMock;
import dev.para.dispatch.testing.SessionFixtures;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@QuarkusTest
class SessionResourceTest {

    @GitHubFake.Inject
    WireMockServer github;

    @KubernetesMock.Inject
    KubernetesMockServer kubernetes;

    @Test
    void anotherAccountsSessionIsNotFoundAnywhere() {
        SessionFixtures f = SessionFixtures.linked(github);
        UUID id = f.create(1, "Mine");
        SessionFixtures intruder = SessionFixtures.linked(github);
        for (String path : List.of("", "/events", "/instances/1/logs")) {
            given().header("Authorization", intruder.bearer())
                    .when()
                    .get("/api/v1/sessions/" + id + path)
                    .then()
                    .statusCode(404)
                    .contentType("application/problem+json");
        }
        given().header("Authorization", intruder.bearer())
                .when()
                .post("/api/v1/sessions/" + id + "/cancel")
                .then()
                .statusCode(404);
        given().header("Authorization", intruder.bearer())
                .when()
                .get("/api/v1/sessions")
                .then()
                .statusCode(200)
                .body("items", hasSize(0));
        SessionLifecycleTest.awaitSession(f, id, "RUNNING");
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '^',
            nullValues = "-",
            value = {
                "{\"repository\":\"not a repo\",\"prompt\":\"x\"}                          | 400 | repository",
                "{\"repository\":\"REPO\"}                                                   | 400 | prompt",
                "{\"repository\":\"REPO\",\"prompt\":\"x\",\"promptFile\":\"a.md\"}        | 400 | prompt",
                "{\"repository\":\"REPO\",\"prompt\":\"x\",\"instances\":11}               | 400 | instances",
                "{\"repository\":\"REPO\",\"prompt\":\"x\",\"instances\":0}                | 400 | instances",
                "{\"repository\":\"REPO\",\"prompt\":\"x\",\"sourceBranch\":\"../x\"}      | 400 | sourceBranch",
                "{\"repository\":\"REPO\",\"prompt\":\"x\",\"agentImage\":\"nope\"}        | 422 | -",
                "{\"repository\":\"someone-else/repo\",\"prompt\":\"x\"}                   | 422 | -",
                "{\"repository\":                                                          | 400 | -",
            })
    void badRequestsAreProblemsAndWriteNothing(String body, int status, String field) {
        SessionFixtures f = SessionFixtures.linked(github);
        var response = given().header("Authorization", f.bearer())
                .contentType("application/json")
                .body(body.replace("REPO", f.repository()))
                .when()
                .post("/api/v1/sessions")
                .then()
                .statusCode(status)
                .contentType("application/problem+json");
        if (field != null) {
            response.body("errors[0].field", equalTo(field));
        }
        assertEquals(0, Db.count("SELECT count(*) FROM sessions WHERE account_id = ?", f.account));
    }

    /**
     * A body that is not JSON at all in a way Jackson only notices while reading a value (a raw line
     * break inside a string) is the catalogue's malformed body, not a bare "Bad Request".
     */
    @Test
    void aRawLineBreakInAStringIsAMalformedBody() {
        SessionFixtures f = SessionFixtures.linked(github);
        given().header("Authorization", f.bearer())
                .contentType("application/json")
                .body("{\"repository\":\"" + f.repository() + "\",\"prompt\":\"two\nlines\"}")
                .when()
                .post("/api/v1/sessions")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:para-dispatch:problem:malformed-body"))
                .body("detail", equalTo("The request body is not valid JSON of the expected shape"));
        assertEquals(0, Db.count("SELECT count(*) FROM sessions WHERE account_id = ?", f.account));
    }

    /** Bodies are strict: a wrong JSON type or an unknown field is a 400 that names it, not a guess. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "\"instances\":\"3\"          | instances      | must be an integer",
                "\"instances\":2.5              | instances      | must be an integer",
                "\"maxTurns\":true              | maxTurns       | must be an integer",
                "\"name\":7                     | name           | must be a string",
                "\"instance\":3                 | instance       | is not a field of this request",
                "\"extra\":{\"x\":1}          | extra          | is not a field of this request",
            })
    void wrongTypesAndUnknownFieldsAreRefusedByName(String field, String name, String message) {
        SessionFixtures f = SessionFixtures.linked(github);
        given().header("Authorization", f.bearer())
                .contentType("application/json")
                .body("{\"repository\":\"" + f.repository() + "\",\"prompt\":\"x\"," + field + "}")
                .when()
                .post("/api/v1/sessions")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:para-dispatch:problem:validation"))
                .body("errors[0].field", equalTo(name))
                .body("errors[0].message", equalTo(message))
                .body(not(containsString("Exception")));
        assertEquals(0, Db.count("SELECT count(*) FROM sessions WHERE account_id = ?", f.account));
    }

    @Test
    void theOpenApiSaysBodiesAreStrictAndShowsTheConfiguredLimits() {
        given().queryParam("format", "json")
                .when()
                .get("/q/openapi")
                .then()
                .statusCode(200)
                .body("components.schemas.CreateSessionRequest.additionalProperties", equalTo(false))
                .body("components.schemas.RecoverRequest.additionalProperties", equalTo(false))
                .body("components.schemas.CreateSessionRequest.properties.instances.maximum", equalTo(10))
                .body("components.schemas.CreateSessionRequest.properties.timeoutMinutes.maximum", equalTo(1440));
    }

    @Test
    void theSameIdempotencyKeyReturnsTheFirstSessionAndAnotherBodyIs422() {
        SessionFixtures f = SessionFixtures.linked(github);
        String body = "{\"repository\":\"" + f.repository() + "\",\"prompt\":\"Once\"}";
        String first = given().header("Authorization", f.bearer())
                .header("Idempotency-Key", "k-1")
                .contentType("application/json")
                .body(body)
                .when()
                .post("/api/v1/sessions")
                .then()
                .statusCode(202)
                .extract()
                .path("id");
        given().header("Authorization", f.bearer())
                .header("Idempotency-Key", "k-1")
                .contentType("application/json")
                .body(body)
                .when()
                .post("/api/v1/sessions")
                .then()
                .statusCode(202)
                .header("Idempotent-Replayed", "true")
                .body("id", equalTo(first));
        given().header("Authorization", f.bearer())
                .header("Idempotency-Key", "k-1")
                .contentType("application/json")
                .body(body.replace("Once", "Twice"))
                .when()
                .post("/api/v1/sessions")
                .then()
                .statusCode(422)
                .body("type", equalTo("urn:para-dispatch:problem:idempotency-key-reused"));
        assertEquals(1, Db.count("SELECT count(*) FROM sessions WHERE account_id = ?", f.account));
    }

    @Test
    void beyondTheInstallationsQuotaTheAnswerIs429WithRetryAfter() {
        SessionFixtures f = SessionFixtures.linked(github);
        for (int i = 0; i < 3; i++) {
            f.create(1, "Job " + i);
        }
        given().header("Authorization", f.bearer())
                .contentType("application/json")
                .body("{\"repository\":\"" + f.repository() + "\",\"prompt\":\"One too many\"}")
                .when()
                .post("/api/v1/sessions")
                .then()
                .statusCode(429)
                .header("Retry-After", "30")
                .body("type", equalTo("urn:para-dispatch:problem:quota-exceeded"));
        assertEquals(3, Db.count("SELECT count(*) FROM sessions WHERE account_id = ?", f.account));
    }

    @Test
    void aPromptFileIsReadFromTheRepositoryAtTheSourceBranch() {
        SessionFixtures f = SessionFixtures.linked(github);
        github.stubFor(get(urlPathEqualTo("/repos/" + f.owner + "/" + f.repo + "/contents/docs/tasks/fix%20it.md"))
                .withQueryParam("ref", WireMock.equalTo("develop"))
                .willReturn(aResponse()
                        .withStatus(200)
                        .withHeader("Content-Type", "application/json")
                        .withBody(GitHubStubs.fixture("content-file")
                                .replaceAll(
                                        "\"content\": \"[^\"]*\"",
                                        "\"content\": \""
                                                + java.util.Base64.getMimeEncoder()
                                                        .encodeToString("Fix the flaky test\nin module core".getBytes())
                                                + "\""))));
        given().header("Authorization", f.bearer())
                .contentType("application/json")
                .body("{\"repository\":\"" + f.repository() + "\",\"promptFile\":\"docs/tasks/fix it.md\","
                        + "\"sourceBranch\":\"develop\"}")
                .when()
                .post("/api/v1/sessions")
                .then()
                .statusCode(202)
                .body("prompt", equalTo("Fix the flaky test\nin module core"))
                .body("promptFile", equalTo("docs/tasks/fix it.md"))
                .body("sourceBranch", equalTo("develop"));
        given().header("Authorization", f.bearer())
                .contentType("application/json")
                .body("{\"repository\":\"" + f.repository() + "\",\"promptFile\":\"missing.md\"}")
                .when()
                .post("/api/v1/sessions")
                .then()
                .statusCode(422)
                .body("type", equalTo("urn:para-dispatch:problem:prompt-file-not-found"));
    }

    @Test
    void listsFilterAndPageNewestFirst() {
        SessionFixtures f = SessionFixtures.linked(github);
        UUID a = f.create(1, "a");
        UUID b = f.create(1, "b");
        UUID c = f.create(1, "c");
        given().header("Authorization", f.bearer())
                .when()
                .post("/api/v1/sessions/" + b + "/cancel")
                .then()
                .statusCode(200);
        String next = given().header("Authorization", f.bearer())
                .queryParam("limit", 2)
                .when()
                .get("/api/v1/sessions")
                .then()
                .statusCode(200)
                .body("items.id", contains(c.toString(), b.toString()))
                .extract()
                .path("next");
        given().header("Authorization", f.bearer())
                .queryParam("limit", 2)
                .queryParam("cursor", next)
                .when()
                .get("/api/v1/sessions")
                .then()
                .statusCode(200)
                .body("items.id", contains(a.toString()))
                .body("next", nullValue());
        given().header("Authorization", f.bearer())
                .queryParam("state", "CANCELLED")
                .when()
                .get("/api/v1/sessions")
                .then()
                .statusCode(200)
                .body("items.id", contains(b.toString()));
        given().header("Authorization", f.bearer())
                .queryParam("state", "bogus")
                .when()
                .get("/api/v1/sessions")
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("state"));
    }

    @Test
    void cancelDeletesTheJobRevokesTheTokenAndEndsTheEventStream() throws Exception {
        SessionFixtures f = SessionFixtures.linked(github);
        UUID id = f.create(2, "Cancel me");
        SessionLifecycleTest.awaitSession(f, id, "RUNNING");
        String token = SessionTokenRefresherTest.token(id);

        String base =
                "http://localhost:" + ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
        CompletableFuture<HttpResponse<java.util.stream.Stream<String>>> stream = HttpClient.newHttpClient()
                .sendAsync(
                        HttpRequest.newBuilder(URI.create(base + "/api/v1/sessions/" + id + "/events"))
                                .header("Authorization", f.bearer())
                                .header("Accept", "text/event-stream")
                                .build(),
                        HttpResponse.BodyHandlers.ofLines());
        HttpResponse<java.util.stream.Stream<String>> response = stream.get(10, TimeUnit.SECONDS);
        assertEquals(200, response.statusCode());
        CompletableFuture<List<String>> lines =
                CompletableFuture.supplyAsync(() -> response.body().toList());

        given().header("Authorization", f.bearer())
                .when()
                .post("/api/v1/sessions/" + id + "/cancel")
                .then()
                .statusCode(200)
                .body("state", equalTo("CANCELLED"))
                .body("instances.state", contains("CANCELLED", "CANCELLED"))
                .body("reason", startsWith("cancelled by"));
        Kubelet.awaitJobDeleted(id);
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> github.verify(deleteRequestedFor(urlPathEqualTo("/installation/token"))
                        .withHeader("Authorization", WireMock.equalTo("Bearer " + token))));

        List<String> events = lines.get(10, TimeUnit.SECONDS).stream()
                .filter(l -> l.startsWith("data:"))
                .toList();
        assertTrue(events.get(0).contains("\"state\":\"QUEUED\""), events.toString());
        assertTrue(
                events.get(events.size() - 1).contains("\"state\":\"CANCELLED\"")
                        && !events.get(events.size() - 1).contains("\"instance\""),
                events.toString());
        assertFalse(String.join("\n", events).contains(token));
        // Cancelling again changes nothing.
        given().header("Authorization", f.bearer())
                .when()
                .post("/api/v1/sessions/" + id + "/cancel")
                .then()
                .statusCode(200)
                .body("state", equalTo("CANCELLED"));
    }

    /**
     * An account holds at most para.sessions.streams.per-account streams open (3 in tests): the next
     * is 429 with Retry-After, and a stream that ends gives its place back.
     */
    @Test
    void openStreamsAreLimitedPerAccountAndGiveTheirPlaceBack() throws Exception {
        SessionFixtures f = SessionFixtures.linked(github);
        UUID id = f.create(1, "Watch me");
        SessionLifecycleTest.awaitSession(f, id, "RUNNING");
        String base =
                "http://localhost:" + ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest events = HttpRequest.newBuilder(URI.create(base + "/api/v1/sessions/" + id + "/events"))
                .header("Authorization", f.bearer())
                .header("Accept", "text/event-stream")
                .build();
        List<CompletableFuture<List<String>>> open = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            HttpResponse<java.util.stream.Stream<String>> response =
                    http.send(events, HttpResponse.BodyHandlers.ofLines());
            assertEquals(200, response.statusCode());
            open.add(CompletableFuture.supplyAsync(() -> response.body().toList()));
        }

        HttpResponse<String> refused = http.send(events, HttpResponse.BodyHandlers.ofString());
        assertEquals(429, refused.statusCode(), refused.body());
        assertTrue(refused.headers().firstValue("Retry-After").isPresent());
        assertTrue(refused.body().contains("too-many-streams"), refused.body());

        given().header("Authorization", f.bearer())
                .when()
                .post("/api/v1/sessions/" + id + "/cancel")
                .then()
                .statusCode(200);
        for (CompletableFuture<List<String>> stream : open) {
            stream.get(10, TimeUnit.SECONDS); // each ends with the session
        }
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertEquals(
                        200,
                        http.send(events, HttpResponse.BodyHandlers.ofString()).statusCode()));
    }

    @Test
    void recoverStartsANewSessionFromAnInstancesBranch() {
        SessionFixtures f = SessionFixtures.linked(github);
        UUID id = f.create(1, "Half done");
        SessionLifecycleTest.awaitSession(f, id, "RUNNING");
        String branch = given().header("Authorization", f.bearer())
                .get("/api/v1/sessions/" + id)
                .path("instances[0].branch");
        Kubelet.startPod(id, 1);
        Kubelet.terminated(id, 1, 4, "Error", Kubelet.report(branch, "abc123", true, "the agent failed (exit 1)"));
        SessionLifecycleTest.awaitInstance(f, id, 1, "FAILED", "agent failed");

        given().header("Authorization", f.bearer())
                .contentType("application/json")
                .body("{\"instance\":2}")
                .when()
                .post("/api/v1/sessions/" + id + "/recover")
                .then()
                .statusCode(400);
        given().header("Authorization", f.bearer())
                .contentType("application/json")
                .body("{\"instance\":1}")
                .when()
                .post("/api/v1/sessions/" + id + "/recover")
                .then()
                .statusCode(202)
                .body("recoveredFrom", equalTo(id.toString()))
                .body("sourceBranch", equalTo(branch))
                .body("instances[0].branch", startsWith("para/recovered-"))
                .body("prompt", containsString("Half done"));
    }

    @Test
    void logsAreStreamedWithSecretsRedacted() {
        SessionFixtures f = SessionFixtures.linked(github);
        UUID id = f.create(1, "Log me");
        SessionLifecycleTest.awaitSession(f, id, "RUNNING");
        Kubelet.startPod(id, 1);
        Kubelet.running(id, 1);
        SessionLifecycleTest.awaitInstance(f, id, 1, "RUNNING", null);
        kubernetes
                .expect()
                .get()
                .withPath("/api/v1/namespaces/" + KubernetesMock.NAMESPACE + "/pods/" + Kubelet.podName(id, 1)
                        + "/log?pretty=false&container=agent")
                .andReturn(
                        200,
                        "cloning\npushing with ghs_16C7e42F292c6912E7710c838347Ae178B4a\nANTHROPIC_API_KEY=sk-ant-api03-abcdefghijklmnop\ndone\n")
                .always();
        given().header("Authorization", f.bearer())
                .when()
                .get("/api/v1/sessions/" + id + "/instances/1/logs")
                .then()
                .statusCode(200)
                .body(
                        containsString("cloning"),
                        containsString("done"),
                        not(containsString("ghs_16C7e42F292c6912E7710c838347Ae178B4a")),
                        not(containsString("sk-ant-api03")),
                        containsString("[REDACTED]"));
        kubernetes
                .expect()
                .get()
                .withPath("/api/v1/namespaces/" + KubernetesMock.NAMESPACE + "/pods/" + Kubelet.podName(id, 1)
                        + "/log?pretty=false&container=agent&follow=true")
                .andReturn(200, "following\ntoken ghp_abcdefghijklmnopqrstuvwxyz0123456789\nend\n")
                .always();
        given().header("Authorization", f.bearer())
                .queryParam("follow", true)
                .when()
                .get("/api/v1/sessions/" + id + "/instances/1/logs")
                .then()
                .statusCode(200)
                .body(containsString("following"), containsString("end"), not(containsString("ghp_abcdef")));
        given().header("Authorization", f.bearer())
                .when()
                .get("/api/v1/sessions/" + id + "/instances/9/logs")
                .then()
                .statusCode(404)
                .contentType("application/problem+json");
    }
}
