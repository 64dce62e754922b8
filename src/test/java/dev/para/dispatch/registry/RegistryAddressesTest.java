package dev.para.dispatch.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.para.dispatch.testing.TestRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The server-side request forgery a registry check invites: the caller names the registry, the
 * registry names its token service and its redirects. Every internal address form is refused
 * before any connection is made, on a loopback listener that counts the connections it gets.
 */
class RegistryAddressesTest {

    private HttpServer internal;
    private final AtomicInteger connections = new AtomicInteger();
    private int port;

    @BeforeEach
    void startInternalService() throws IOException {
        internal = HttpServer.create(new InetSocketAddress(InetAddress.getByName("::"), 0), 0);
        internal.createContext("/", exchange -> {
            connections.incrementAndGet();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        internal.start();
        port = internal.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        internal.stop(0);
    }

    static RegistryConfig config(Map<String, String> extra) {
        Map<String, String> values = new HashMap<>(Map.of(
                "para.registry.connect-timeout",
                "2s",
                "para.registry.request-timeout",
                "5s",
                "para.registry.max-retries",
                "0",
                "para.registry.retry-delay",
                "10ms",
                "para.registry.max-retry-after",
                "1s"));
        values.putAll(extra);
        return new SmallRyeConfigBuilder()
                .withMapping(RegistryConfig.class)
                .withConverter(Duration.class, 100, new DurationConverter())
                .withDefaultValues(values)
                .build()
                .getConfigMapping(RegistryConfig.class);
    }

    private RegistryException refusal(RegistryClient client, String image) {
        return assertThrows(
                RegistryException.class,
                () -> client.check(ImageReference.parse(image), Optional.empty())
                        .await()
                        .atMost(Duration.ofSeconds(20)));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"127.0.0.1", "127.1", "2130706433", "localhost", "[::1]", "[::ffff:7f00:1]", "0.0.0.0"})
    void aRegistryAtAnInternalAddressIsNeverContacted(String host) {
        // even spoken to over plain http: "insecure" is not "internal allowed"
        RegistryClient client = new RegistryClient(
                config(Map.of("para.registry.insecure-registries", host + ":" + port)),
                new RegistryMetrics(new SimpleMeterRegistry()),
                new ObjectMapper(),
                TestRegistry.VERTX,
                java.time.Clock.systemUTC());
        RegistryException refused = refusal(client, host + ":" + port + "/team/agent:1.0");
        assertEquals(RegistryError.ADDRESS_REFUSED, refused.error(), refused.getMessage());
        assertEquals(0, connections.get());
    }

    /** A public registry whose challenge points the token request at an internal service. */
    @Test
    void aRealmAtAnInternalAddressIsNeverContacted() throws IOException {
        assertRefusedBehind(
                exchange -> exchange.getResponseHeaders()
                        .add("WWW-Authenticate", "Bearer realm=\"http://localhost:" + port + "/token\",service=\"x\""),
                401);
    }

    /** A registry that redirects the manifest request to an internal service. */
    @Test
    void aRedirectToAnInternalAddressIsNeverFollowed() throws IOException {
        assertRefusedBehind(
                exchange ->
                        exchange.getResponseHeaders().add("Location", "http://[::1]:" + port + "/latest/meta-data/"),
                307);
    }

    /**
     * A registry the operator allowed (on loopback, as an in-cluster one is) answers every request
     * with {@code status} and the headers {@code answer} sets; the check is refused and the internal
     * service never contacted.
     */
    private void assertRefusedBehind(
            java.util.function.Consumer<com.sun.net.httpserver.HttpExchange> answer, int status) throws IOException {
        HttpServer registry = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        registry.createContext("/v2/", exchange -> {
            answer.accept(exchange);
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        registry.start();
        try {
            String host = "127.0.0.1:" + registry.getAddress().getPort();
            RegistryClient client = new RegistryClient(
                    config(Map.of("para.registry.insecure-registries", host, "para.registry.allowed-hosts", host)),
                    new RegistryMetrics(new SimpleMeterRegistry()),
                    new ObjectMapper(),
                    TestRegistry.VERTX,
                    java.time.Clock.systemUTC());
            assertEquals(
                    RegistryError.ADDRESS_REFUSED,
                    refusal(client, host + "/team/agent:1.0").error());
            assertEquals(0, connections.get());
        } finally {
            registry.stop(0);
        }
    }

    @Test
    void anInternalHostAllowedByNameIsReached() {
        String host = "localhost:" + port;
        RegistryClient client = new RegistryClient(
                config(Map.of("para.registry.insecure-registries", host, "para.registry.allowed-hosts", host)),
                new RegistryMetrics(new SimpleMeterRegistry()),
                new ObjectMapper(),
                TestRegistry.VERTX,
                java.time.Clock.systemUTC());
        client.check(ImageReference.parse(host + "/team/agent:1.0"), Optional.empty())
                .await()
                .atMost(Duration.ofSeconds(20));
        assertTrue(connections.get() > 0);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
        "10.1.2.3, false", "172.16.0.1, false", "192.168.1.1, false", "100.64.0.1, false", "fd12::1, false",
        "169.254.169.254, false", "fd00:ec2::254, false", "fe80::1, false", "::ffff:10.0.0.1, false",
                "224.0.0.1, false",
        "8.8.8.8, true", "2606:4700::1111, true", "::ffff:8.8.8.8, true"
    })
    void addresses(String address, boolean reachable) throws IOException {
        RegistryAddresses vetting = new RegistryAddresses(config(Map.of()));
        assertEquals(reachable, vetting.refusal(InetAddress.getByName(address)).isEmpty(), address);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({"10.1.2.3, true", "10.96.0.10, false", "169.254.169.254, false", "127.0.0.1, false"})
    void privateAddressesOnlyByOptInAndNeverTheClustersOwn(String address, boolean reachable) throws IOException {
        RegistryAddresses vetting = new RegistryAddresses(config(Map.of(
                "para.registry.allow-private-addresses", "true", "para.registry.cluster-cidrs", "10.96.0.0/12")));
        assertEquals(reachable, vetting.refusal(InetAddress.getByName(address)).isEmpty(), address);
    }

    @ParameterizedTest(name = "{0} for {1}: {2}")
    @CsvSource({
        "auth.docker.io, registry-1.docker.io, true",
        "ghcr.io, ghcr.io, true",
        "evil.example, ghcr.io, false",
        "auth.evil.co.uk, registry.victim.co.uk, false",
        "127.0.0.1, 127.0.0.2, false",
        "gitlab.com, registry.gitlab.com, true"
    })
    void theCredentialGoesOnlyToTheRegistrysOwnTokenService(String realm, String registryHost, boolean sent) {
        assertEquals(sent, RegistryClient.sameSite(realm, registryHost));
    }
}
