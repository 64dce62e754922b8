package dev.para.dispatch;

import static dev.para.dispatch.testing.Webhooks.deliver;
import static dev.para.dispatch.testing.Webhooks.exampleFor;
import static dev.para.dispatch.testing.Webhooks.newDeliveryId;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.para.dispatch.github.webhook.WebhookSignature;
import io.restassured.specification.RequestSpecification;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * The README's first command, {@code ./mvnw quarkus:dev}, run as a new user runs it: no database
 * URL, no JWT key, no cluster, no GitHub App. It must start its own PostgreSQL, become ready, take
 * a webhook signed with the development secret and answer the API with the token it wrote to
 * {@code target/dev-token}; and with the playground standing in for GitHub, the product's main job
 * must work: three instances of a prompt, three branches, three draft pull requests.
 */
class DevModeIT {

    private static final Duration READY_WITHIN = Duration.ofMinutes(4);
    private static final Path LOG = Path.of("target", "dev-mode-it.log");
    private static final Path TOKEN = Path.of("target", "dev-token");

    /** The README's "Try it in five minutes": dispatch three instances and see their work at the forge. */
    @Test
    void theReadmesFirstCommandDispatchesThreeInstancesToThePlayground() throws Exception {
        int port = freePort();
        Process maven = start(port);
        try {
            awaitReady(maven, port);
            RequestSpecification service = given().baseUri("http://localhost").port(port);
            String bearer = "Bearer " + Files.readString(TOKEN).trim();
            String forge = given().spec(service)
                    .get("/playground")
                    .then()
                    .statusCode(200)
                    .body("repository", equalTo("demo/hello"))
                    .body("agent", containsString("demo agent"))
                    .extract()
                    .path("forge");

            String id = given().spec(service)
                    .header("Authorization", bearer)
                    .contentType("application/json")
                    .body("{\"repository\":\"demo/hello\",\"prompt\":\"Greet the world in more languages\","
                            + "\"instances\":3}")
                    .post("/api/v1/sessions")
                    .then()
                    .statusCode(202)
                    .extract()
                    .path("id");
            org.awaitility.Awaitility.await()
                    .atMost(Duration.ofMinutes(2))
                    .untilAsserted(() -> given().spec(service)
                            .header("Authorization", bearer)
                            .get("/api/v1/sessions/" + id)
                            .then()
                            .statusCode(200)
                            .body("state", equalTo("SUCCEEDED"))
                            .body("instances.pushed", org.hamcrest.Matchers.everyItem(equalTo(true)))
                            .body(
                                    "instances.prUrl",
                                    org.hamcrest.Matchers.everyItem(startsWith(forge + "/demo/hello/pull/")))
                            .body(
                                    "instances.turns",
                                    org.hamcrest.Matchers.everyItem(org.hamcrest.Matchers.greaterThan(0))));
            List<String> branches = given().spec(service)
                    .header("Authorization", bearer)
                    .get("/api/v1/sessions/" + id)
                    .then()
                    .extract()
                    .path("instances.branch");

            // The three branches are in the forge's git server, as `git ls-remote` shows anyone.
            Process lsRemote = new ProcessBuilder("git", "ls-remote", "--heads", forge + "/demo/hello.git")
                    .redirectErrorStream(true)
                    .start();
            String heads =
                    new String(lsRemote.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(lsRemote.waitFor(60, TimeUnit.SECONDS) && lsRemote.exitValue() == 0, heads);
            for (String branch : branches) {
                assertTrue(heads.contains("refs/heads/" + branch), branch + " is not at the forge: " + heads);
            }
            // And three draft pull requests, one per branch.
            List<Map<String, Object>> pulls = given().spec(service)
                    .get("/playground/pulls")
                    .then()
                    .statusCode(200)
                    .extract()
                    .path("findAll { it.head.ref in "
                            + branches.stream().map(b -> "'" + b + "'").toList() + " }");
            org.junit.jupiter.api.Assertions.assertEquals(3, pulls.size(), "the session's PRs: " + pulls);
            assertTrue(pulls.stream().allMatch(pull -> Boolean.TRUE.equals(pull.get("draft"))), "drafts: " + pulls);
        } finally {
            stop(maven);
        }
    }

    /** With the playground off and no App, dev mode offers to create the App, behind a secret it made up. */
    @Test
    void theServiceRunsOnEmbeddedDefaultsAndOffersToCreateTheApp() throws Exception {
        int port = freePort();
        Files.deleteIfExists(TOKEN);
        Process maven = start(port, "-Dpara.playground.enabled=false");
        try {
            awaitReady(maven, port);
            RequestSpecification service = given().baseUri("http://localhost").port(port);

            service.when().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));

            deliver(
                            service,
                            new WebhookSignature("dev-webhook-secret"),
                            "ping",
                            newDeliveryId(),
                            exampleFor("ping", 0, p -> {}))
                    .statusCode(202);

            assertTrue(Files.exists(TOKEN), "dev mode writes a token for the account dev to " + TOKEN);
            given().spec(service)
                    .header("Authorization", "Bearer " + Files.readString(TOKEN).trim())
                    .when()
                    .get("/api/v1/installations")
                    .then()
                    .statusCode(200);
            given().spec(service)
                    .when()
                    .get("/api/v1/installations")
                    .then()
                    .statusCode(401)
                    .contentType("application/problem+json");

            // no App yet: dev mode made up a setup secret and logged the page's address with it
            var setup = java.util.regex.Pattern.compile("create it at (http://localhost:" + port
                            + "/github/app-manifest\\?setup_secret=[0-9a-f]{40})")
                    .matcher(Files.readString(LOG));
            assertTrue(setup.find(), "dev mode logs where to create the App; see " + LOG);
            given().when().get(setup.group(1)).then().statusCode(200).contentType(containsString("text/html"));
            service.when().get("/github/app-manifest").then().statusCode(404);
        } finally {
            stop(maven);
        }
    }

    /** Started with nothing configured: what would configure it here is taken out of its environment. */
    private static Process start(int port, String... options) throws IOException {
        List<String> command = new ArrayList<>(
                List.of("./mvnw", "--batch-mode", "quarkus:dev", "-Ddebug=false", "-Dquarkus.http.port=" + port));
        command.addAll(List.of(options));
        if (Files.exists(Path.of(System.getProperty("user.home"), ".kube", "config"))) {
            // A developer's kubeconfig would point dev mode at their cluster; the test stays on this machine.
            command.add("-Dpara.session-runtime=local");
        }
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(LOG.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Map<String, String> env = builder.environment();
        env.keySet()
                .removeIf(name -> name.startsWith("QUARKUS_")
                        || name.startsWith("PARA_")
                        || name.startsWith("MP_JWT_")
                        || name.equals("KUBECONFIG")
                        // A developer's logged-in Claude Code would be the playground's agent, and cost money.
                        || name.equals("ANTHROPIC_API_KEY")
                        || name.equals("CLAUDE_CODE_OAUTH_TOKEN"));
        env.put(
                "PATH",
                java.util.Arrays.stream(
                                env.getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator))
                        .filter(dir -> !Files.isExecutable(Path.of(dir, "claude")))
                        .collect(java.util.stream.Collectors.joining(File.pathSeparator)));
        return builder.start();
    }

    private static void awaitReady(Process maven, int port) throws Exception {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/q/health/ready"))
                .timeout(Duration.ofSeconds(5))
                .build();
        Instant deadline = Instant.now().plus(READY_WITHIN);
        while (Instant.now().isBefore(deadline)) {
            if (!maven.isAlive()) {
                throw new AssertionError("quarkus:dev exited with " + maven.exitValue() + "; see " + LOG);
            }
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notListeningYet) {
                // still starting
            }
            Thread.sleep(500);
        }
        throw new AssertionError("quarkus:dev was not ready within " + READY_WITHIN + "; see " + LOG);
    }

    /**
     * The dev-mode JVM first, so its shutdown hook stops the embedded PostgreSQL; then Maven, which
     * logs that the dev process did not complete successfully (it ended on SIGTERM, as intended).
     */
    private static void stop(Process maven) throws InterruptedException {
        List<ProcessHandle> children = maven.toHandle().descendants().toList();
        children.forEach(ProcessHandle::destroy);
        for (ProcessHandle child : children) {
            try {
                child.onExit().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                child.destroyForcibly();
            }
        }
        maven.destroy();
        if (!maven.waitFor(30, TimeUnit.SECONDS)) {
            maven.destroyForcibly();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
