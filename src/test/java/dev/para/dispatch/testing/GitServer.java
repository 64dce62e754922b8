package dev.para.dispatch.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.para.dispatch.playground.GitBackend;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;

/**
 * A real git server on loopback: {@code git http-backend} (smart HTTP) behind a small HTTP server
 * that authenticates every request the way GitHub does for an installation token: Basic auth,
 * user {@code x-access-token}, the token as password. Tests decide which tokens are valid (and
 * may revoke one mid-run) and can refuse pushes altogether.
 */
public final class GitServer implements AutoCloseable {

    private final HttpServer server;
    private final Path root;
    private final GitBackend backend;
    private final Set<String> validTokens = ConcurrentHashMap.newKeySet();
    private final Set<String> usedTokens = ConcurrentHashMap.newKeySet();
    private final Set<String> offeredTokens = ConcurrentHashMap.newKeySet();
    private final Map<String, Instant> expiries = new ConcurrentHashMap<>();
    private volatile boolean pushesRefused;
    private volatile boolean anyInstallationToken;

    public GitServer(Path root) throws IOException {
        this.root = root;
        this.backend = new GitBackend(root);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
    }

    /** The server's base URL. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** A bare repository {@code name}.git (name may be owner/repo) with one commit on {@code main}. */
    public String createRepository(String name) throws IOException, InterruptedException {
        Path work = Files.createTempDirectory(root, "seed");
        run(work, "git", "init", "-q", "-b", "main");
        Files.writeString(work.resolve("README.md"), "# " + name + "\n");
        run(work, "git", "add", "README.md");
        run(work, "git", "-c", "user.name=seed", "-c", "user.email=seed@example.com", "commit", "-q", "-m", "seed");
        Files.createDirectories(root.resolve(name + ".git").getParent());
        run(
                root,
                "git",
                "clone",
                "-q",
                "--bare",
                work.toString(),
                root.resolve(name + ".git").toString());
        run(root.resolve(name + ".git"), "git", "config", "http.receivepack", "true");
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + name + ".git";
    }

    public void allow(String token) {
        validTokens.add(token);
    }

    /** A token that is refused once its lifetime has passed, as an installation token is. */
    public void allow(String token, Duration lifetime) {
        expiries.put(token, Instant.now().plus(lifetime));
        validTokens.add(token);
    }

    public void revoke(String token) {
        validTokens.remove(token);
    }

    /** Tokens that were presented and accepted. */
    public Set<String> usedTokens() {
        return usedTokens;
    }

    /** Every token presented, valid or not: a server that should never see a credential sees none here. */
    public Set<String> offeredTokens() {
        return offeredTokens;
    }

    /** Accepts every token shaped like an installation token (the GitHub fake mints random ones). */
    public void acceptAnyInstallationToken() {
        anyInstallationToken = true;
    }

    public void refusePushes(boolean refuse) {
        pushesRefused = refuse;
    }

    /** A ref of the bare repository, or null when it does not exist. */
    public String ref(String name, String ref) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("git", "rev-parse", "--verify", "-q", ref)
                .directory(root.resolve(name + ".git").toFile())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        return p.waitFor() == 0 ? out : null;
    }

    public Path repository(String name) {
        return root.resolve(name + ".git");
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String token = GitBackend.token(exchange.getRequestHeaders().getFirst("Authorization"));
            if (token != null) {
                offeredTokens.add(token);
            }
            Instant expiry = token == null ? null : expiries.get(token);
            boolean valid = token != null
                    && (expiry == null || Instant.now().isBefore(expiry))
                    && (validTokens.contains(token) || (anyInstallationToken && token.startsWith("ghs_")));
            if (!valid) {
                GitBackend.challenge(exchange);
                return;
            }
            usedTokens.add(token);
            if (GitBackend.isPush(exchange) && pushesRefused) {
                exchange.sendResponseHeaders(403, -1);
                return;
            }
            backend.serve(exchange);
        }
    }

    static void run(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
