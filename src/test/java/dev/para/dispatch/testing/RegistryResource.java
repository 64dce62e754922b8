package dev.para.dispatch.testing;

import dev.para.dispatch.registry.RegistryCredential;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.BiPredicate;

/**
 * Real registries for the whole test run (see {@link TestRegistry}): one with Basic auth and one
 * with token auth, each holding {@code team/agent:1.0}, and an open one holding the service's
 * default agent image, which every launch checks. The service speaks plain HTTP to them. Where
 * docker-registry is not installed, none start, launches skip the check and the registry tests
 * are skipped.
 */
public class RegistryResource implements QuarkusTestResourceLifecycleManager {

    public static final RegistryCredential PUSHER = new RegistryCredential("pusher", "push-secret");
    public static final RegistryCredential READER = new RegistryCredential("reader", "read-secret-4b1d");
    /** The users of the test registries: name to password. */
    public static final Map<String, String> USERS =
            Map.of(PUSHER.username(), PUSHER.password(), READER.username(), READER.password());
    /** What the token service grants: the pusher anything, the reader pulls of team/* only. */
    public static final BiPredicate<String, String> ACCESS =
            (user, access) -> user.equals(PUSHER.username()) || access.startsWith("team/") && access.endsWith(":pull");

    private static TestRegistry basic;
    private static TestRegistry token;
    private static TestRegistry open;
    private static String digest;

    @Override
    public synchronized Map<String, String> start() {
        if (!TestRegistry.available()) {
            return Map.of("para.registry.check-at-launch", "false");
        }
        if (basic == null) {
            try {
                Path dir = Files.createTempDirectory("registries");
                basic = TestRegistry.basic(Files.createDirectories(dir.resolve("basic")), USERS);
                token = TestRegistry.token(Files.createDirectories(dir.resolve("token")), USERS, ACCESS);
                digest = basic.push("team/agent", "1.0", PUSHER);
                token.push("team/agent", "1.0", PUSHER);
                open = TestRegistry.open(Files.createDirectories(dir.resolve("open")));
                open.push("para-dispatch/agent", "latest", PUSHER);
            } catch (Exception e) {
                throw new IllegalStateException("The test registries did not start", e);
            }
        }
        String registries = basic.host() + "," + token.host() + "," + open.host();
        // on loopback (their token services too), so allowed by name, as an operator allows an in-cluster registry
        return Map.of(
                "para.registry.insecure-registries",
                registries,
                "para.registry.allowed-hosts",
                "127.0.0.1",
                "para.sessions.default-agent-image",
                open.host() + "/para-dispatch/agent:latest");
    }

    public static TestRegistry basic() {
        return basic;
    }

    public static TestRegistry token() {
        return token;
    }

    /** The digest of team/agent:1.0 in the Basic-auth registry. */
    public static String digest() {
        return digest;
    }

    @Override
    public void stop() {
        // shared by every test class of the run; the processes end with the JVM
    }
}
