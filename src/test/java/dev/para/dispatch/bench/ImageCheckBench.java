package dev.para.dispatch.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.para.dispatch.registry.ImageChecker;
import dev.para.dispatch.registry.ImageReference;
import dev.para.dispatch.registry.RegistryClient;
import dev.para.dispatch.registry.RegistryConfig;
import dev.para.dispatch.registry.RegistryCredential;
import dev.para.dispatch.registry.RegistryMetrics;
import dev.para.dispatch.testing.RegistryResource;
import dev.para.dispatch.testing.TestRegistry;
import dev.para.dispatch.testing.Tools;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Image check latency against real registries on loopback (bench/registry.sh): a warm check (the
 * cache answers) and a cold one (the registry answers: HEAD, and for token auth the 401, the token
 * service and the HEAD again). Results: bench/results/registry.txt.
 */
@Tag("bench")
class ImageCheckBench {

    static final RegistryCredential PUSHER = RegistryResource.PUSHER;
    static final RegistryCredential READER = RegistryResource.READER;

    @Test
    void imageChecks() throws Exception {
        Tools.require("docker-registry", "docker-registry");
        Path dir = Files.createTempDirectory("registry-bench");
        StringBuilder out = new StringBuilder("# image checks, " + java.time.Instant.now() + "\n");
        try (TestRegistry basic =
                        TestRegistry.basic(Files.createDirectories(dir.resolve("basic")), RegistryResource.USERS);
                TestRegistry token = TestRegistry.token(
                        Files.createDirectories(dir.resolve("token")), RegistryResource.USERS, (u, a) -> true)) {
            int tags = 400;
            int repositories = 300;
            for (int i = 0; i < tags; i++) {
                basic.push("team/agent", "t" + i, PUSHER);
                token.push("team/agent", "t" + i, PUSHER);
            }
            for (int i = 0; i < repositories; i++) {
                basic.push("team/r" + i, "1.0", PUSHER);
                token.push("team/r" + i, "1.0", PUSHER);
            }
            for (TestRegistry registry : List.of(basic, token)) {
                String kind = registry == basic ? "basic auth" : "token auth";
                RegistryConfig config = TestRegistry.clientConfig(0, List.of(registry.host()));
                ImageChecker checker = new ImageChecker(
                        new RegistryClient(
                                config,
                                new RegistryMetrics(new SimpleMeterRegistry()),
                                new ObjectMapper(),
                                dev.para.dispatch.testing.TestRegistry.VERTX,
                                java.time.Clock.systemUTC()),
                        config,
                        new RegistryMetrics(new SimpleMeterRegistry()));
                // Warm-up of the JIT and the connections on other tags, then every tag once cold.
                for (int i = 0; i < 100; i++) {
                    check(checker, registry, "team/agent:t" + i);
                }
                // A repository never seen: the 401, the credential (for token auth the token service), the HEAD again.
                long[] handshake = new long[repositories];
                for (int i = 0; i < repositories; i++) {
                    long start = System.nanoTime();
                    check(checker, registry, "team/r" + i + ":1.0");
                    handshake[i] = System.nanoTime() - start;
                }
                // Another tag of a repository checked before: its authorization is reused, one HEAD.
                long[] cold = new long[tags - 100];
                for (int i = 100; i < tags; i++) {
                    long start = System.nanoTime();
                    check(checker, registry, "team/agent:t" + i);
                    cold[i - 100] = System.nanoTime() - start;
                }
                long[] warm = new long[100_000];
                for (int i = 0; i < warm.length; i++) {
                    long start = System.nanoTime();
                    check(checker, registry, "team/agent:t" + (100 + i % (tags - 100)));
                    warm[i] = System.nanoTime() - start;
                }
                out.append(line("cold, new repository, " + kind, handshake))
                        .append(line("cold, new tag, " + kind, cold))
                        .append(line("warm (cache), " + kind, warm));
            }
        }
        write(out.toString());
    }

    private static void check(ImageChecker checker, TestRegistry registry, String image) {
        checker.check(ImageReference.parse(registry.host() + "/" + image), Optional.of(READER))
                .await()
                .atMost(Duration.ofSeconds(10));
    }

    private static String line(String what, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return String.format(
                "%-36s n=%-7d p50 %8.3f ms  p90 %8.3f ms  p99 %8.3f ms  max %8.3f ms%n",
                what,
                sorted.length,
                ms(sorted, 0.50),
                ms(sorted, 0.90),
                ms(sorted, 0.99),
                sorted[sorted.length - 1] / 1e6);
    }

    private static double ms(long[] sorted, double q) {
        return sorted[(int) Math.min(sorted.length - 1, Math.round(q * (sorted.length - 1)))] / 1e6;
    }

    private static void write(String text) throws IOException {
        System.out.print(text);
        Path results = Path.of("bench/results");
        Files.createDirectories(results);
        Files.writeString(results.resolve("registry.txt"), text);
    }
}
