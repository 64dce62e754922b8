package dev.para.dispatch.playground;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;

/**
 * Git's smart HTTP protocol, served by {@code git http-backend} itself (run as the CGI program it
 * is): whatever git can clone, fetch and push, this serves, with no protocol code of ours. Used by
 * the playground's forge and by the tests' git server.
 */
public final class GitBackend {

    private final Path root;

    /** Serves the bare repositories under {@code root} ({@code <root>/<owner>/<repo>.git}). */
    public GitBackend(Path root) {
        this.root = root;
    }

    /** Whether the request pushes (receive-pack), which needs write access; reads need none or read. */
    public static boolean isPush(HttpExchange exchange) {
        String path = exchange.getRequestURI().getPath();
        return path.endsWith("/git-receive-pack")
                || "service=git-receive-pack".equals(exchange.getRequestURI().getRawQuery());
    }

    /**
     * The installation token of a request's Basic credentials ({@code x-access-token:<token>}, as
     * GitHub takes it), or null.
     */
    public static String token(String authorization) {
        if (authorization == null || !authorization.startsWith("Basic ")) {
            return null;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(6)), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        return colon > 0 && decoded.substring(0, colon).equals("x-access-token") ? decoded.substring(colon + 1) : null;
    }

    /** Asks for credentials as GitHub does, so that git offers its credential helper's. */
    public static void challenge(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"GitHub\"");
        exchange.sendResponseHeaders(401, -1);
    }

    /** Runs git http-backend for the request and relays its answer. */
    public void serve(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String query = exchange.getRequestURI().getRawQuery();
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
        copyHeader(exchange, "Content-Type", env, "CONTENT_TYPE");
        copyHeader(exchange, "Content-Encoding", env, "HTTP_CONTENT_ENCODING");
        copyHeader(exchange, "Git-Protocol", env, "GIT_PROTOCOL");
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

    private static void copyHeader(HttpExchange exchange, String header, Map<String, String> env, String variable) {
        String value = exchange.getRequestHeaders().getFirst(header);
        if (value != null) {
            env.put(variable, value);
        }
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
}
