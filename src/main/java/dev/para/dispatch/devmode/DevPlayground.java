package dev.para.dispatch.devmode;

import dev.para.dispatch.github.AppPrivateKeyReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What dev mode configures for the playground (see {@code dev.para.dispatch.playground}): the
 * forge's port (kept under {@code target/playground}, so that clone URLs survive a restart), the
 * playground App's key pair (made once; it exists only on this machine), GitHub's URLs pointed at
 * the forge, and the agent: Claude Code when it is on PATH and logged in, otherwise the demo agent.
 */
final class DevPlayground {

    static final Path DIR = Path.of("target", "playground");
    static final String APP_ID = "1";

    private static Map<String, String> values;

    private DevPlayground() {}

    static synchronized Map<String, String> values() {
        if (values == null) {
            try {
                Files.createDirectories(DIR);
                int port = port();
                String forge = "http://127.0.0.1:" + port;
                Map<String, String> v = new LinkedHashMap<>();
                v.put("para.playground.enabled", "true");
                v.put("para.playground.port", String.valueOf(port));
                v.put("para.github.app-id", APP_ID);
                v.put("para.github.private-key-file", appKey().toString());
                v.put("para.github.api-url", forge + "/api/v3");
                v.put("para.github.web-url", forge);
                v.put("para.github.app-slug", "para-playground");
                v.put("para.sessions.git-url", forge);
                String claude = loggedInClaude();
                if (claude != null) {
                    v.put("para.playground.agent", "Claude Code (" + claude + ")");
                } else {
                    v.put(
                            "para.playground.agent",
                            "the demo agent (a stand-in, not Claude Code: no logged-in claude on PATH)");
                    v.put("para.kubernetes.pod.agent-command", demoAgent().toString());
                    v.put("para.kubernetes.pod.agent-auth-check", "none");
                }
                values = v;
            } catch (IOException e) {
                throw new UncheckedIOException("Could not prepare the playground under " + DIR, e);
            }
        }
        return values;
    }

    /** The port the forge had before, when it is free still; a free one otherwise. */
    private static int port() throws IOException {
        Path saved = DIR.resolve("port");
        if (Files.exists(saved)) {
            int port = Integer.parseInt(Files.readString(saved).strip());
            if (free(port)) {
                return port;
            }
        }
        int port;
        try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Files.writeString(saved, port + "\n");
        return port;
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The playground App's private key (PKCS#8 PEM, owner-only), made on first use. */
    private static Path appKey() throws IOException {
        Path key = DIR.resolve("app-private-key.pem");
        if (!Files.exists(key)) {
            try {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(2048);
                String pem = AppPrivateKeyReader.pem(generator.generateKeyPair().getPrivate());
                Path next = DIR.resolve("app-private-key.pem.next");
                Files.deleteIfExists(next);
                Files.createFile(
                        next, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(next, pem);
                Files.move(next, key);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("RSA is not available", e);
            }
        }
        return key.toAbsolutePath();
    }

    /** The demo agent, written out where the local runtime can run it. */
    private static Path demoAgent() throws IOException {
        Path agent = DIR.resolve("demo-agent.sh").toAbsolutePath();
        try (InputStream in = DevPlayground.class.getResourceAsStream("/playground/demo-agent.sh")) {
            Files.write(agent, in.readAllBytes());
        }
        agent.toFile().setExecutable(true);
        return agent;
    }

    /** {@code claude} on PATH with a login (an API key, an OAuth token or its credentials file), or null. */
    private static String loggedInClaude() {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path claude = Path.of(dir, "claude");
            if (Files.isExecutable(claude)) {
                boolean loggedIn = notBlank(System.getenv("ANTHROPIC_API_KEY"))
                        || notBlank(System.getenv("CLAUDE_CODE_OAUTH_TOKEN"))
                        || Files.exists(Path.of(System.getProperty("user.home"), ".claude", ".credentials.json"));
                return loggedIn ? claude.toString() : null;
            }
        }
        return null;
    }

    private static boolean notBlank(String value) {
        return value != null && !value.isBlank();
    }
}
