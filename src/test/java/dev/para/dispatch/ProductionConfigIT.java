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
}
