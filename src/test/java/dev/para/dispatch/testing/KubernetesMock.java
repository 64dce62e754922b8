package dev.para.dispatch.testing;

import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;

/**
 * Kubernetes for the tests: fabric8's mock API server in CRUD mode (objects are stored, listed,
 * watched and patched like a real API server would), plus expectations for what CRUD cannot
 * serve, such as pod logs. One server for the whole run, like the other test resources, so that
 * every {@code @QuarkusTest} shares one application. Inject it with
 * {@code @KubernetesMock.Inject KubernetesMockServer kubernetes;}.
 */
public class KubernetesMock implements QuarkusTestResourceLifecycleManager {

    public static final String NAMESPACE = "para-sessions";

    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.FIELD)
    public @interface Inject {}

    private static KubernetesMockServer server;

    @Override
    public Map<String, String> start() {
        return config();
    }

    /**
     * The configuration that points the service at the mock server (started on first use). A test
     * profile must give these too: it rebuilds the application, which then holds them as build-time
     * values and refuses different ones at run time.
     */
    public static synchronized Map<String, String> config() {
        if (server == null) {
            Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
            server = new KubernetesMockServer(
                    new io.fabric8.mockwebserver.Context(),
                    new MockWebServer(),
                    responses,
                    new KubernetesMixedDispatcher(responses),
                    false);
            try {
                server.init(InetAddress.getByName("127.0.0.1"), 0);
            } catch (java.net.UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }
        String url = server.url("/");
        return Map.of(
                // Quarkus warns that these are fixed at build time, yet its client reads them at start.
                "quarkus.kubernetes-client.api-server-url", url,
                "quarkus.kubernetes-client.namespace", NAMESPACE,
                "quarkus.kubernetes-client.trust-certs", "true",
                "kubernetes.auth.tryKubeConfig", "false",
                "kubernetes.auth.tryServiceAccount", "false");
    }

    /** {@link #config()} with a test profile's own settings on top. */
    public static Map<String, String> configWith(Map<String, String> overrides) {
        Map<String, String> config = new HashMap<>(config());
        config.putAll(overrides);
        return config;
    }

    private static NamespacedKubernetesClient client;

    /**
     * The client of the mock server for tests that play the kubelet and the Job controller: one
     * for the run (each client holds its own connection pool).
     */
    public static synchronized NamespacedKubernetesClient client() {
        if (client == null) {
            client = server.createClient().inNamespace(NAMESPACE);
        }
        return client;
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(
                server, new TestInjector.AnnotatedAndMatchesType(Inject.class, KubernetesMockServer.class));
    }

    @Override
    public void stop() {
        // shared by every test class of the run
    }
}
