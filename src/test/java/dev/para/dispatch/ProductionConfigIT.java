package dev.para.dispatch;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.para.dispatch.testing.KubernetesMock;
import dev.para.dispatch.testing.ProductionStart;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The packaged service configured as an operator configures it (production profile, environment
 * variables): what is checked at start, and what can be set at run time.
 */
@QuarkusIntegrationTest
class ProductionConfigIT {

    /** A sealing key ring that cannot seal stops the start, saying why, instead of failing the first create. */
    @Test
    void aWrongActiveKeyStopsTheStartWithTheReason() throws Exception {
        try (ProductionStart service = ProductionStart.start(Map.of("PARA_CRYPTO_ACTIVE_KEY", "prod-2"))) {
            assertNotEquals(0, service.awaitExit(90));
            assertTrue(service.output().contains("para.crypto.active-key names key 'prod-2'"), service.output());
        }
    }

    /** Without the audience its tokens carry, the service would take any token of the issuer: it does not start. */
    @Test
    void noTokenAudienceStopsTheStartWithTheReason() throws Exception {
        try (ProductionStart service =
                ProductionStart.start(Map.of("MP_JWT_VERIFY_AUDIENCES", "", "PARA_DRY_RUN", "true"))) {
            assertNotEquals(0, service.awaitExit(90));
            assertTrue(service.output().contains("mp.jwt.verify.audiences is required"), service.output());
        }
    }

    /**
     * The API server, namespace and certificate trust are run-time settings of the packaged
     * service: pointed at the mock API server with them alone, its session informers sync.
     */
    @Test
    void reachesTheClusterNamedByRunTimeSettings() throws Exception {
        String apiServer = KubernetesMock.config().get("quarkus.kubernetes-client.api-server-url");
        try (ProductionStart service = ProductionStart.start(Map.of(
                "PARA_KUBERNETES_CLIENT_API_SERVER_URL",
                apiServer,
                "PARA_KUBERNETES_CLIENT_NAMESPACE",
                KubernetesMock.NAMESPACE,
                "PARA_KUBERNETES_CLIENT_TRUST_CERTIFICATES",
                "true"))) {
            await().atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(500))
                    .ignoreExceptions()
                    .untilAsserted(() -> {
                        assertTrue(service.isAlive(), service.output());
                        given().port(service.port)
                                .get("/q/health/ready")
                                .then()
                                .statusCode(200)
                                .body("status", equalTo("UP"))
                                .body("checks.name", hasItems("kubernetes-sessions", "sealing keys"));
                    });
        }
    }

    /**
     * The playground is not in a production build: even told to run, the packaged service starts no
     * forge (its port stays closed, nothing is logged of it) and its routes answer 404.
     */
    @Test
    void thePlaygroundIsNotInTheProductionBuild() throws Exception {
        int forgePort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            forgePort = socket.getLocalPort();
        }
        try (ProductionStart service = ProductionStart.start(Map.of(
                "PARA_DRY_RUN", "true",
                "PARA_PLAYGROUND_ENABLED", "true",
                "PARA_PLAYGROUND_PORT", String.valueOf(forgePort),
                "PARA_PLAYGROUND_DIR", "target/tmp/prod-playground"))) {
            await().atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(500))
                    .ignoreExceptions()
                    .untilAsserted(() -> {
                        assertTrue(service.isAlive(), service.output());
                        given().port(service.port).get("/q/health/live").then().statusCode(200);
                    });
            for (String path : java.util.List.of("/playground", "/playground/pulls", "/playground/issues/1/comments")) {
                given().port(service.port).get(path).then().statusCode(404);
            }
            given().port(service.port)
                    .header("Authorization", dev.para.dispatch.testing.ApiTokens.bearer("dev"))
                    .contentType("application/json")
                    .body("{\"body\":\"@para help\"}")
                    .post("/playground/issues/1/comments")
                    .then()
                    .statusCode(404);
            try (java.net.Socket forge = new java.net.Socket()) {
                forge.connect(new java.net.InetSocketAddress("127.0.0.1", forgePort), 1000);
                throw new AssertionError("something listens on the forge's port " + forgePort);
            } catch (java.net.ConnectException expected) {
                // no forge
            }
            org.junit.jupiter.api.Assertions.assertFalse(service.output().contains("Playground"), service.output());
            org.junit.jupiter.api.Assertions.assertFalse(
                    java.nio.file.Files.exists(java.nio.file.Path.of("target/tmp/prod-playground")));
        }
    }
}
