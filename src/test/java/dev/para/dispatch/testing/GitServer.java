package dev.para.dispatch.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
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
    private final Set<String> validTokens = ConcurrentHashMap.newKeySet();
    private final Set<String> usedTokens = ConcurrentHashMap.newKeySet();
    private final Set<String> offeredTokens = ConcurrentHashMap.newKeySet();
    private final Map<String, Instant> expiries = new ConcurrentHashMap<>();
    private volatile boolean pushesRefused;
    private volatile boolean anyInstallationToken;

    public GitServer(Path root) throws IOException {
        this.root = root;
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
            String token = token(exchange.getRequestHeaders().getFirst("Authorization"));
            if (token != null) {
                offeredTokens.add(token);
            }
            Instant expiry = token == null ? null : expiries.get(token);
            boolean valid = token != null
                    && (expiry == null || Instant.now().isBefore(expiry))
                    && (validTokens.contains(token) || (anyInstallationToken && token.startsWith("ghs_")));
            if (!valid) {
                exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"GitHub\"");
                exchange.sendResponseHeaders(401, -1);
                return;
            }
            usedTokens.add(token);
            String path = exchange.getRequestURI().getPath();
            String query = exchange.getRequestURI().getRawQuery();
            boolean push = path.endsWith("/git-receive-pack") || "service=git-receive-pack".equals(query);
            if (push && pushesRefused) {
                exchange.sendResponseHeaders(403, -1);
                return;
            }
            cgi(exchange, path, query);
        }
    }

    /** Runs git http-backend as a CGI program for the request. */
    private void cgi(HttpExchange exchange, String path, String query) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        ProcessBuilder pb = new ProcessBuilder("git", "http-backend");
        Map<String, String> env = pb.environment();
        env.put("GIT_PROJECT_ROOT", root.toString());
        env.put("GIT_HTTP_EXPORT_ALL", "1");
        env.put("REMOTE_USER", "x-access-token");
        env.put("REMOTE_ADDR", "127.0.0.1");
        env.put("GATEWAY_INTERFACE", "CGI/1.1");
        env.put("REQUEST_METHOD", exchange.getRequestMethod());
        env.put("PATH_INFO", path);
        env.put("QUERY_STRING", query == null ? "" : query);
        env.put("CONTENT_LENGTH", String.valueOf(body.length));
        String type = exchange.getRequestHeaders().getFirst("Content-Type");
        if (type != null) {
            env.put("CONTENT_TYPE", type);
        }
        String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
        if (encoding != null) {
            env.put("HTTP_CONTENT_ENCODING", encoding);
        }
        String protocol = exchange.getRequestHeaders().getFirst("Git-Protocol");
        if (protocol != null) {
            env.put("GIT_PROTOCOL", protocol);
        }
        Process process = pb.start();
        try (OutputStream in = process.getOutputStream()) {
            in.write(body);
        }
        byte[] out = process.getInputStream().readAllBytes();
        int headerEnd = indexOf(out, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        int separator = 4;
        if (headerEnd < 0) {
            headerEnd = indexOf(out, "\n\n".getBytes(StandardCharsets.US_ASCII));
            separator = 2;
        }
        int status = 200;
        for (String line : new String(out, 0, Math.max(headerEnd, 0), StandardCharsets.ISO_8859_1).split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            if (name.equalsIgnoreCase("Status")) {
                status = Integer.parseInt(value.split(" ")[0]);
            } else {
                exchange.getResponseHeaders().add(name, value);
            }
        }
        int start = headerEnd < 0 ? 0 : headerEnd + separator;
        exchange.sendResponseHeaders(status, out.length - start == 0 ? -1 : out.length - start);
        try (OutputStream response = exchange.getResponseBody()) {
            response.write(out, start, out.length - start);
        }
    }

    private static String token(String authorization) {
        if (authorization == null || !authorization.startsWith("Basic ")) {
            return null;
        }
        String decoded = new String(Base64.getDecoder().decode(authorization.substring(6)), StandardCharsets.UTF_8);
        int colon = decoded.indexOf(':');
        return colon > 0 && decoded.substring(0, colon).equals("x-access-token") ? decoded.substring(colon + 1) : null;
    }

    private static int indexOf(byte[] data, byte[] pattern) {
        outer:
        for (int i = 0; i + pattern.length <= data.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
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
