package dev.para.dispatch.playground;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.para.dispatch.testing.ApiTokens;
import dev.para.dispatch.testing.PlaygroundProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The playground end to end, as a new user meets it: with no GitHub App, a three-instance session
 * on the demo repository runs the demo agent, pushes three branches to the forge's real git server
 * and opens three draft pull requests there; an {@code @para} comment at the forge reaches the
 * service as a signed webhook and is answered there.
 */
@QuarkusTest
@TestProfile(PlaygroundProfile.class)
class PlaygroundTest {

    private static final String DEV = ApiTokens.bearer("dev");

    @Test
    void threeInstancesPushThreeBranchesAndOpenThreeDraftPullRequestsAtTheForge() throws Exception {
        given().when()
                .get("/playground")
                .then()
                .statusCode(200)
                .body("repository", equalTo("demo/hello"))
                .body("forge", equalTo(PlaygroundProfile.FORGE))
                .body("clone", equalTo("git clone " + PlaygroundProfile.FORGE + "/demo/hello.git"));

        String id = given().header("Authorization", DEV)
                .contentType("application/json")
                .body(
                        "{\"repository\":\"demo/hello\",\"prompt\":\"Greet the world in more languages\",\"instances\":3}")
                .post("/api/v1/sessions")
                .then()
                .statusCode(202)
                .extract()
                .path("id");
        await().atMost(Duration.ofSeconds(90))
                .untilAsserted(() -> given().header("Authorization", DEV)
                        .get("/api/v1/sessions/" + id)
                        .then()
                        .statusCode(200)
                        .body("state", equalTo("SUCCEEDED"))
                        .body("instances.pushed", everyItem(equalTo(true)))
                        .body("instances.prUrl", everyItem(startsWith(PlaygroundProfile.FORGE + "/demo/hello/pull/"))));
        JsonPath session = given().header("Authorization", DEV)
                .get("/api/v1/sessions/" + id)
                .then()
                .extract()
                .jsonPath();
        List<String> branches = session.getList("instances.branch");

        // The branches are in the forge's git server: anyone may clone the demo repository.
        Path clone = Files.createTempDirectory("playground-clone");
        git(clone.getParent(), "clone", "-q", PlaygroundProfile.FORGE + "/demo/hello.git", clone.toString());
        String remote = git(clone, "ls-remote", "--heads", "origin");
        for (String branch : branches) {
            assertTrue(remote.contains("refs/heads/" + branch), branch + " not in " + remote);
        }

        // Three draft PRs at the forge, each with its diff.
        String ours = "findAll { it.head.ref.startsWith('"
                + session.getString("instances[0].branch").replaceAll("-1$", "") + "') }";
        given().when()
                .get("/playground/pulls")
                .then()
                .statusCode(200)
                .contentType("application/json")
                .body(ours + ".draft", equalTo(List.of(true, true, true)))
                .body(ours + ".diff", hasItem(containsString("+Bonjour")))
                .body(ours + ".diff", hasItem(containsString("+Hola")))
                .body(ours + ".diff", hasItem(containsString("+Hallo")));
        given().accept("text/html")
                .when()
                .get("/playground/pulls")
                .then()
                .statusCode(200)
                .contentType(containsString("text/html"))
                .body(containsString("<span class=\"add\">+Hola</span>"));
    }

    /**
     * Best-of-N from comments at the forge, as on GitHub: {@code @para -n 2 …} starts a session
     * whose tracking comment compares the two instances, and {@code @para pick 2} marks PR 2 ready
     * (GraphQL at /api/graphql, as on GitHub Enterprise Server) and closes PR 1.
     */
    @Test
    void aSessionStartedAndPickedByCommentsAtTheForge() {
        comment("@para -n 2 say hello in Welsh");
        await().atMost(Duration.ofSeconds(90))
                .untilAsserted(() -> given().get("/playground/issues/1/comments")
                        .then()
                        .statusCode(200)
                        .body("body", hasItem(containsString("Pick one: `@para pick <n>`"))));
        List<String> tracking = given().get("/playground/issues/1/comments")
                .then()
                .extract()
                .path("findAll { it.body.contains('<!-- para-session:') }.body");
        assertEquals(1, tracking.size(), "one tracking comment: " + tracking);
        assertTrue(tracking.get(0).contains("#### Comparison"), tracking.get(0));

        comment("@para pick 2");
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> given().get("/playground/pulls")
                        .then()
                        .statusCode(200)
                        .body(
                                "findAll { it.head.ref.startsWith('para/issue-1_') && it.head.ref.endsWith('-2') }.draft",
                                equalTo(List.of(false)))
                        .body(
                                "findAll { it.head.ref.startsWith('para/issue-1_') && it.head.ref.endsWith('-1') }.state",
                                equalTo(List.of("closed"))));
    }

    private static void comment(String body) {
        given().header("Authorization", DEV)
                .contentType("application/json")
                .body("{\"body\":\"" + body + "\"}")
                .post("/playground/issues/1/comments")
                .then()
                .statusCode(201)
                .body("delivery.status", equalTo(202));
    }

    @Test
    void aCommentAtTheForgeIsDeliveredAsASignedWebhookAndAnswered() {
        given().header("Authorization", DEV)
                .contentType("application/json")
                .body("{\"body\":\"@para help\"}")
                .post("/playground/issues/1/comments")
                .then()
                .statusCode(201)
                .body("delivery.event", equalTo("issue_comment"))
                .body("delivery.status", equalTo(202));
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> given().get("/playground/issues/1/comments")
                        .then()
                        .statusCode(200)
                        .body("user.login", hasItem("para-playground[bot]"))
                        .body("body", hasItem(containsString("@para pick"))));
    }

    @Test
    void theForgeKeepsItsDoorsAsGitHubDoes() throws Exception {
        // Commenting takes the playground account's token; another account's is a 404.
        given().contentType("application/json")
                .body("{\"body\":\"@para help\"}")
                .post("/playground/issues/1/comments")
                .then()
                .statusCode(401);
        given().header("Authorization", ApiTokens.bearer("someone-else"))
                .contentType("application/json")
                .body("{\"body\":\"@para help\"}")
                .post("/playground/issues/1/comments")
                .then()
                .statusCode(404)
                .contentType("application/problem+json");
        given().header("Authorization", DEV)
                .contentType("application/json")
                .body("{\"body\":\"@para help\",\"extra\":1}")
                .post("/playground/issues/1/comments")
                .then()
                .statusCode(400)
                .contentType("application/problem+json");
        // Its API wants a token; an App JWT signed by another key mints none.
        given().baseUri(PlaygroundProfile.FORGE)
                .get("/api/v3/repos/demo/hello")
                .then()
                .statusCode(401)
                .body("message", equalTo("Bad credentials"));
        given().baseUri(PlaygroundProfile.FORGE)
                .header("Authorization", "Bearer eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiIxIn0.c2lnbmF0dXJl")
                .contentType("application/json")
                .body("{}")
                .post("/api/v3/app/installations/1/access_tokens")
                .then()
                .statusCode(401);
        // The App's own JWT mints a token narrowed to what it asks, and it may do no more.
        String appJwt = io.smallrye.jwt.build.Jwt.issuer("1")
                .issuedAt(java.time.Instant.now().minusSeconds(30))
                .expiresIn(Duration.ofMinutes(9))
                .sign(dev.para.dispatch.github.AppPrivateKeyReader.read(
                        Files.readString(Path.of("src/test/resources/github/app-private-key-pkcs1.pem"))));
        String token = given().baseUri(PlaygroundProfile.FORGE)
                .header("Authorization", "Bearer " + appJwt)
                .contentType("application/json")
                .body("{\"repositories\":[\"hello\"],\"permissions\":{\"contents\":\"read\"}}")
                .post("/api/v3/app/installations/1/access_tokens")
                .then()
                .statusCode(201)
                .body("permissions.contents", equalTo("read"))
                .body("repository_selection", equalTo("selected"))
                .extract()
                .path("token");
        given().baseUri(PlaygroundProfile.FORGE)
                .header("Authorization", "token " + token)
                .get("/api/v3/repos/demo/hello/contents/greetings.txt")
                .then()
                .statusCode(200)
                .body("encoding", equalTo("base64"));
        given().baseUri(PlaygroundProfile.FORGE)
                .header("Authorization", "token " + token)
                .contentType("application/json")
                .body("{\"title\":\"x\",\"head\":\"main\",\"base\":\"main\"}")
                .post("/api/v3/repos/demo/hello/pulls")
                .then()
                .statusCode(403)
                .body("message", equalTo("Resource not accessible by integration"));
        // Anyone may clone; nobody pushes without an installation token.
        Path clone = Files.createTempDirectory("playground-push");
        git(clone.getParent(), "clone", "-q", PlaygroundProfile.FORGE + "/demo/hello.git", clone.toString());
        Files.writeString(clone.resolve("greetings.txt"), "Pushed without a token\n");
        git(clone, "-c", "user.name=x", "-c", "user.email=x@example.com", "commit", "-qam", "sneak");
        ProcessBuilder anonymous = new ProcessBuilder("git", "push", "-q", "origin", "HEAD:refs/heads/sneak")
                .directory(clone.toFile())
                .redirectErrorStream(true);
        anonymous.environment().put("GIT_TERMINAL_PROMPT", "0");
        Process push = anonymous.start();
        push.getOutputStream().close();
        assertTrue(push.waitFor(30, TimeUnit.SECONDS));
        assertNotEquals(0, push.exitValue(), "an anonymous push went through");
        assertEquals("", git(clone, "ls-remote", "--heads", "origin", "sneak").strip());
    }

    private static String git(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("git"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("GIT_TERMINAL_PROMPT", "0");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }
}
