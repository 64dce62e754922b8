package dev.para.dispatch;

import static dev.para.dispatch.testing.Webhooks.deliver;
import static dev.para.dispatch.testing.Webhooks.exampleFor;
import static dev.para.dispatch.testing.Webhooks.newDeliveryId;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
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
 * URL, no JWT key, no cluster. It must start its own PostgreSQL, become ready, take a webhook signed
 * with the development secret and answer the API with the token it wrote to {@code target/dev-token}.
 */
class DevModeIT {

    private static final Duration READY_WITHIN = Duration.ofMinutes(4);
    private static final Path LOG = Path.of("target", "dev-mode-it.log");
    private static final Path TOKEN = Path.of("target", "dev-token");

    @Test
    void theReadmesFirstCommandRunsTheServiceOnEmbeddedDefaults() throws Exception {
        int port = freePort();
        Files.deleteIfExists(TOKEN);
        Process maven = start(port);
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
    private static Process start(int port) throws IOException {
        List<String> command = new ArrayList<>(
                List.of("./mvnw", "--batch-mode", "quarkus:dev", "-Ddebug=false", "-Dquarkus.http.port=" + port));
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
                        || name.equals("KUBECONFIG"));
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
