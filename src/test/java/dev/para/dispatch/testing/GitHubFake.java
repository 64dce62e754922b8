package dev.para.dispatch.testing;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Map;

/**
 * GitHub, faked with WireMock on a free loopback port: both the REST API and the OAuth web host
 * point at it. Tests stub the endpoints they exercise with responses shaped as GitHub documents
 * them (fixtures under src/test/resources/github/api, taken from GitHub's OpenAPI description).
 * Inject it with {@code @GitHubFake.Inject WireMockServer github;}.
 */
public class GitHubFake implements QuarkusTestResourceLifecycleManager {

    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.FIELD)
    public @interface Inject {}

    private static WireMockServer server;

    @Override
    public synchronized Map<String, String> start() {
        String base = "http://127.0.0.1:" + server().port();
        return Map.of("para.github.api-url", base, "para.github.web-url", base);
    }

    /** The fake, started on first use; one for the whole test JVM. */
    public static synchronized WireMockServer server() {
        if (server == null) {
            server = new WireMockServer(options()
                    .dynamicPort()
                    .bindAddress("127.0.0.1")
                    .containerThreads(64)
                    .asynchronousResponseEnabled(true)
                    .asynchronousResponseThreads(64));
            server.start();
        }
        return server;
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(server, new TestInjector.AnnotatedAndMatchesType(Inject.class, WireMockServer.class));
    }

    @Override
    public void stop() {
        // shared by every test class of the run
    }
}
