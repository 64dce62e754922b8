package dev.para.dispatch.registry;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.head;
import static com.github.tomakehurst.wiremock.client.WireMock.headRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.para.dispatch.testing.RegistryResource;
import dev.para.dispatch.testing.TestRegistry;
import dev.para.dispatch.testing.Tools;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Image checks against real registries on loopback: the CNCF distribution registry with htpasswd
 * Basic auth, and one with token auth behind a token service, so the Bearer handshake runs for real.
 */
class RegistryClientTest {

    static final RegistryCredential PUSHER = RegistryResource.PUSHER;
    static final RegistryCredential READER = RegistryResource.READER;

    static TestRegistry basic;
    static TestRegistry token;
    static String basicDigest;
    static String tokenDigest;

    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final RegistryClient client = client(meters, List.of(basic.host(), token.host(), "127.0.0.1:1"));

    @BeforeAll
    static void startRegistries() throws Exception {
        Tools.require("docker-registry", "docker-registry");
        Path dir = Files.createTempDirectory("registries");
        basic = TestRegistry.basic(Files.createDirectories(dir.resolve("basic")), RegistryResource.USERS);
        // The reader may pull team/*, nothing else; the pusher may do anything.
        token = TestRegistry.token(
                Files.createDirectories(dir.resolve("token")), RegistryResource.USERS, RegistryResource.ACCESS);
        basicDigest = basic.push("team/agent", "1.0", PUSHER);
        tokenDigest = token.push("team/agent", "1.0", PUSHER);
        token.push("other/agent", "1.0", PUSHER);
    }

    @AfterAll
    static void stopRegistries() {
        if (basic != null) {
            basic.close();
        }
        if (token != null) {
            token.close();
        }
    }

    static RegistryClient client(SimpleMeterRegistry meters, List<String> insecure) {
        return new RegistryClient(
                TestRegistry.clientConfig(2, insecure),
                new RegistryMetrics(meters),
                new ObjectMapper(),
                dev.para.dispatch.testing.TestRegistry.VERTX,
                java.time.Clock.systemUTC());
    }

    ImageCheck check(TestRegistry registry, String image, RegistryCredential credential) {
        return client.check(ImageReference.parse(registry.host() + "/" + image), Optional.ofNullable(credential))
                .await()
                .atMost(Duration.ofSeconds(20));
    }

    RegistryError refusal(TestRegistry registry, String image, RegistryCredential credential) {
        return assertThrows(RegistryException.class, () -> check(registry, image, credential))
                .error();
    }

    @Test
    void basicAuthPresentImageWithTheRightCredentialPasses() {
        ImageCheck found = check(basic, "team/agent:1.0", READER);
        assertEquals(basicDigest, found.digest());
        assertEquals("application/vnd.oci.image.manifest.v1+json", found.mediaType());
        assertEquals(
                basicDigest, check(basic, "team/agent@" + basicDigest, READER).digest());
    }

    @Test
    void basicAuthRefusalsHaveTheirOwnReasons() {
        assertEquals(
                RegistryError.AUTHENTICATION,
                refusal(basic, "team/agent:1.0", new RegistryCredential("reader", "wrong")));
        assertEquals(RegistryError.AUTHENTICATION, refusal(basic, "team/agent:1.0", null));
        assertEquals(RegistryError.MANIFEST_NOT_FOUND, refusal(basic, "team/agent:9.9", READER));
        assertEquals(RegistryError.REPOSITORY_NOT_FOUND, refusal(basic, "team/nothing-here:1.0", READER));
    }

    @Test
    void theBearerHandshakeGetsATokenFromTheRealm() {
        int before = token.tokenRequests();
        assertEquals(tokenDigest, check(token, "team/agent:1.0", READER).digest());
        assertTrue(token.tokenRequests() > before, "no token was asked for");
        // Another image of the same repository within the token's life: no second handshake.
        int after = token.tokenRequests();
        assertEquals(RegistryError.MANIFEST_NOT_FOUND, refusal(token, "team/agent:2.0", READER));
        assertEquals(after, token.tokenRequests(), "the token was not reused");
    }

    @Test
    void tokenAuthRefusalsHaveTheirOwnReasons() {
        assertEquals(
                RegistryError.AUTHENTICATION,
                refusal(token, "team/agent:1.0", new RegistryCredential("reader", "wrong")));
        assertEquals(RegistryError.MANIFEST_NOT_FOUND, refusal(token, "team/agent:9.9", READER));
        assertEquals(RegistryError.REPOSITORY_NOT_FOUND, refusal(token, "team/nothing-here:1.0", READER));
        assertEquals(RegistryError.PERMISSION, refusal(token, "other/agent:1.0", READER));
    }

    @Test
    void anUnreachableRegistryIsRetriedThenReported() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        RegistryClient local = client(meters, List.of("127.0.0.1:" + closed));
        RegistryException e = assertThrows(
                RegistryException.class,
                () -> local.check(ImageReference.parse("127.0.0.1:" + closed + "/team/agent:1.0"), Optional.of(READER))
                        .await()
                        .atMost(Duration.ofSeconds(20)));
        assertEquals(RegistryError.UNREACHABLE, e.error());
        assertTrue(e.isRetryable());
        assertEquals(
                3,
                meters.get(RegistryMetrics.REQUEST)
                        .tag("outcome", "network")
                        .timer()
                        .count(),
                "1 try + 2 retries");
    }

    /** A registry that asks us to slow down, or stumbles, is waited for and asked again. */
    @Test
    void rateLimitsAreHonouredAndServerErrorsRetried() {
        WireMockServer fake =
                new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
        fake.start();
        try {
            String manifest = "/v2/team/agent/manifests/1.0";
            fake.stubFor(head(urlEqualTo(manifest))
                    .inScenario("busy")
                    .whenScenarioStateIs(Scenario.STARTED)
                    .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1"))
                    .willSetStateTo("server error"));
            fake.stubFor(head(urlEqualTo(manifest))
                    .inScenario("busy")
                    .whenScenarioStateIs("server error")
                    .willReturn(aResponse().withStatus(503))
                    .willSetStateTo("fine"));
            fake.stubFor(head(urlEqualTo(manifest))
                    .inScenario("busy")
                    .whenScenarioStateIs("fine")
                    .willReturn(aResponse()
                            .withStatus(200)
                            .withHeader("Docker-Content-Digest", "sha256:" + "cd".repeat(32))
                            .withHeader("Content-Type", "application/vnd.oci.image.index.v1+json")));
            RegistryClient local = client(meters, List.of("127.0.0.1:" + fake.port()));
            long start = System.nanoTime();
            ImageCheck found = local.check(
                            ImageReference.parse("127.0.0.1:" + fake.port() + "/team/agent:1.0"), Optional.empty())
                    .await()
                    .atMost(Duration.ofSeconds(10));
            assertEquals("sha256:" + "cd".repeat(32), found.digest());
            assertEquals("application/vnd.oci.image.index.v1+json", found.mediaType());
            assertTrue(
                    Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(1)) >= 0,
                    "Retry-After was not waited for");
            fake.verify(
                    3,
                    headRequestedFor(urlEqualTo(manifest))
                            .withHeader("Accept", containing("application/vnd.oci.image.index.v1+json")));

            // A rate limit longer than we wait fails the check, retryable, with its Retry-After.
            fake.resetAll();
            fake.stubFor(head(urlEqualTo(manifest))
                    .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "120")));
            RegistryException limited = assertThrows(
                    RegistryException.class,
                    () -> local.check(
                                    ImageReference.parse("127.0.0.1:" + fake.port() + "/team/agent:1.0"),
                                    Optional.empty())
                            .await()
                            .atMost(Duration.ofSeconds(10)));
            assertEquals(RegistryError.RATE_LIMITED, limited.error());
            assertEquals(Optional.of(Duration.ofSeconds(120)), limited.retryAfter());
        } finally {
            fake.stop();
        }
    }

    @Test
    void theCacheSavesTheSecondRegistryCall() {
        ImageChecker checker =
                new ImageChecker(client, TestRegistry.clientConfig(2, List.of()), new RegistryMetrics(meters));
        ImageReference image = ImageReference.parse(basic.host() + "/team/agent:1.0");
        checker.check(image, Optional.of(READER)).await().atMost(Duration.ofSeconds(10));
        long calls = meters.get(RegistryMetrics.REQUEST).timers().stream()
                .mapToLong(t -> t.count())
                .sum();
        assertEquals(
                basicDigest,
                checker.check(image, Optional.of(READER))
                        .await()
                        .atMost(Duration.ofSeconds(10))
                        .digest());
        assertEquals(
                calls,
                meters.get(RegistryMetrics.REQUEST).timers().stream()
                        .mapToLong(t -> t.count())
                        .sum());
        assertEquals(
                1,
                meters.get("para.registry.cache").tag("result", "hit").counter().count());
        // A lasting refusal is remembered too; another credential is another check.
        ImageReference missing = ImageReference.parse(basic.host() + "/team/agent:9.9");
        assertThrows(
                RegistryException.class,
                () -> checker.check(missing, Optional.of(READER)).await().indefinitely());
        assertThrows(
                RegistryException.class,
                () -> checker.check(missing, Optional.of(READER)).await().indefinitely());
        assertEquals(
                2,
                meters.get("para.registry.cache").tag("result", "hit").counter().count());
        assertThrows(
                RegistryException.class,
                () -> checker.check(image, Optional.of(new RegistryCredential("reader", "wrong")))
                        .await()
                        .indefinitely());
    }
}
