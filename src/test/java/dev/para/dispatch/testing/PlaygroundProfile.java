package dev.para.dispatch.testing;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

/**
 * The service as dev mode runs it on a machine with no GitHub App: the playground's forge stands
 * in for GitHub (its port chosen here, as dev mode chooses it), sessions run on the local runtime
 * with the playground's demo agent.
 */
public class PlaygroundProfile implements QuarkusTestProfile {

    /** One port for the run: the profile class is loaded by more than one class loader, the system properties are one. */
    public static final int PORT = Integer.parseInt(System.getProperties()
            .computeIfAbsent("test.playground-port", k -> String.valueOf(freePort()))
            .toString());

    public static final String FORGE = "http://127.0.0.1:" + PORT;

    @Override
    public Map<String, String> getConfigOverrides() {
        return KubernetesMock.configWith(Map.ofEntries(
                Map.entry("para.playground.enabled", "true"),
                Map.entry("para.playground.port", String.valueOf(PORT)),
                Map.entry(
                        "para.playground.dir",
                        Path.of("target", "tmp", "playground-" + UUID.randomUUID())
                                .toString()),
                Map.entry("para.github.app-id", "1"),
                Map.entry("para.github.private-key-file", "src/test/resources/github/app-private-key-pkcs1.pem"),
                Map.entry("para.github.api-url", FORGE + "/api/v3"),
                Map.entry("para.github.web-url", FORGE),
                Map.entry("para.sessions.git-url", FORGE),
                Map.entry("para.session-runtime", "local"),
                Map.entry("para.local-runtime-dir", "target/tmp/playground-sessions"),
                Map.entry(
                        "para.kubernetes.pod.agent-command",
                        Path.of("src/main/resources/playground/demo-agent.sh")
                                .toAbsolutePath()
                                .toString()),
                Map.entry("para.kubernetes.pod.agent-auth-check", "none")));
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
