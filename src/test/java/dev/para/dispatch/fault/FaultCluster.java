package dev.para.dispatch.fault;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.para.dispatch.testing.Database;
import dev.para.dispatch.testing.GitHubFake;
import dev.para.dispatch.testing.KubernetesMock;
import dev.para.dispatch.testing.MockApiServer;
import dev.para.dispatch.testing.ProductionStart;
import dev.para.dispatch.testing.Webhooks;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a fault test runs against, as in production: packaged service processes (replicas) on one
 * PostgreSQL, the mock Kubernetes API server as a process of its own, and the GitHub fake. Each
 * test makes its own cluster and its own accounts and installations, so fault tests can run side
 * by side.
 */
final class FaultCluster implements AutoCloseable {

    final MockApiServer kubernetes;
    final WireMockServer github;
    /** The cluster's own database, on the server given: migrated by the first replica that starts. */
    final Database db;

    private final List<ProductionStart> replicas = new java.util.concurrent.CopyOnWriteArrayList<>();

    FaultCluster(Database server) {
        this.db = server.createSibling();
        this.kubernetes = MockApiServer.start();
        this.github = GitHubFake.server();
    }

    /** The environment of a replica: the production profile pointed at this cluster, and {@code extra} on top. */
    Map<String, String> environment(Map<String, String> extra) {
        String githubUrl = "http://127.0.0.1:" + github.port();
        Map<String, String> database = db.settings();
        Map<String, String> env = new HashMap<>();
        env.put("QUARKUS_DATASOURCE_JDBC_URL", database.get("quarkus.datasource.jdbc.url"));
        env.put("QUARKUS_DATASOURCE_REACTIVE_URL", database.get("quarkus.datasource.reactive.url"));
        env.put("QUARKUS_DATASOURCE_USERNAME", database.get("quarkus.datasource.username"));
        env.put("QUARKUS_DATASOURCE_PASSWORD", database.get("quarkus.datasource.password"));
        env.put("PARA_GITHUB_API_URL", githubUrl);
        env.put("PARA_GITHUB_WEB_URL", githubUrl);
        env.put("PARA_GITHUB_APP_ID", "123456");
        env.put("PARA_GITHUB_PRIVATE_KEY_FILE", "src/test/resources/github/app-private-key-pkcs1.pem");
        env.put("PARA_GITHUB_WEBHOOK_SECRET", Webhooks.SECRET);
        env.put("PARA_KUBERNETES_CLIENT_API_SERVER_URL", kubernetes.url);
        env.put("PARA_KUBERNETES_CLIENT_NAMESPACE", KubernetesMock.NAMESPACE);
        env.put("PARA_KUBERNETES_CLIENT_TRUST_CERTIFICATES", "true");
        env.put("PARA_REGISTRY_CHECK_AT_LAUNCH", "false");
        env.put("PARA_SESSIONS_QUOTA_PER_ACCOUNT", "200");
        env.put("PARA_SESSIONS_QUOTA_PER_INSTALLATION", "200");
        env.put("PARA_SESSIONS_LAUNCH_SWEEP_INTERVAL", "1s");
        env.put("PARA_SESSIONS_LAUNCH_CLAIM_LEASE", "5s");
        env.put("PARA_SESSIONS_LAUNCH_RETRY_DELAY", "200ms");
        env.put("QUARKUS_LOG_JSON_CONSOLE_ENABLED", "false");
        env.putAll(extra);
        return env;
    }

    /** Starts a replica and waits until it is ready. */
    ProductionStart startReplica(Map<String, String> extra) {
        ProductionStart replica = ProductionStart.start(environment(extra));
        replicas.add(replica);
        awaitReady(replica);
        return replica;
    }

    /** Starts replicas side by side (a fresh start of each), and waits until all are ready. */
    List<ProductionStart> startReplicas(int count, Map<String, String> extra) {
        List<ProductionStart> started = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            ProductionStart replica = ProductionStart.start(environment(extra));
            replicas.add(replica);
            started.add(replica);
        }
        started.forEach(FaultCluster::awaitReady);
        return started;
    }

    static void awaitReady(ProductionStart replica) {
        await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(250))
                .ignoreExceptions()
                .untilAsserted(() -> {
                    assertTrue(replica.isAlive(), () -> "the replica stopped: " + replica.output());
                    given().port(replica.port).get("/q/health/ready").then().statusCode(200);
                });
    }

    @Override
    public void close() throws Exception {
        for (ProductionStart replica : replicas) {
            replica.close();
        }
        kubernetes.close();
    }
}
