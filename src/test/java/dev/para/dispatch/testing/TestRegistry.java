package dev.para.dispatch.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.para.dispatch.registry.RegistryConfig;
import dev.para.dispatch.registry.RegistryCredential;
import io.quarkus.elytron.security.common.BcryptUtil;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiPredicate;
import javax.security.auth.x500.X500Principal;
import org.wildfly.security.x500.cert.X509CertificateBuilder;

/**
 * A real container registry for the tests: Debian's {@code docker-registry} (the CNCF
 * distribution registry) on loopback, with htpasswd Basic auth, or with token auth behind a small
 * token service that signs registry tokens as Docker's token spec describes (RS256, the
 * certificate in {@code x5c}). Images are pushed through the registry's own HTTP API.
 */
public final class TestRegistry implements AutoCloseable {

    public static final String BINARY = "/usr/bin/docker-registry";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String SERVICE = "para-test-registry";
    private static final String ISSUER = "para-test-token-service";

    private final Process process;
    private final int port;
    private final HttpServer tokenService;
    private final AtomicInteger tokenRequests = new AtomicInteger();

    private TestRegistry(Process process, int port, HttpServer tokenService) {
        this.process = process;
        this.port = port;
        this.tokenService = tokenService;
    }

    public static boolean available() {
        return Files.isExecutable(Path.of(BINARY));
    }

    /** A registry anyone may pull from and push to. */
    public static TestRegistry open(Path dir) throws Exception {
        return start(dir, "", null);
    }

    /** A registry with htpasswd Basic auth for these users (name to password). */
    public static TestRegistry basic(Path dir, Map<String, String> users) throws Exception {
        StringBuilder htpasswd = new StringBuilder();
        users.forEach((user, password) -> htpasswd.append(user)
                .append(':')
                .append(BcryptUtil.bcryptHash(password, 5))
                .append('\n'));
        Files.writeString(dir.resolve("htpasswd"), htpasswd);
        return start(dir, "  htpasswd:\n    realm: " + SERVICE + "\n    path: " + dir.resolve("htpasswd") + "\n", null);
    }

    /**
     * A registry with token auth. The token service knows these users and grants the actions
     * {@code may} allows (user, "repository:action").
     */
    public static TestRegistry token(Path dir, Map<String, String> users, BiPredicate<String, String> may)
            throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair keys = generator.generateKeyPair();
        X500Principal name = new X500Principal("CN=" + ISSUER);
        X509Certificate certificate = new X509CertificateBuilder()
                .setIssuerDn(name)
                .setSubjectDn(name)
                .setSerialNumber(BigInteger.ONE)
                .setPublicKey(keys.getPublic())
                .setSigningKey(keys.getPrivate())
                .setSignatureAlgorithmName("SHA256withRSA")
                .setNotValidBefore(ZonedDateTime.now().minusDays(1))
                .setNotValidAfter(ZonedDateTime.now().plusDays(1))
                .build();
        String der = Base64.getEncoder().encodeToString(certificate.getEncoded());
        Files.writeString(
                dir.resolve("token-ca.pem"),
                "-----BEGIN CERTIFICATE-----\n"
                        + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(certificate.getEncoded())
                        + "\n-----END CERTIFICATE-----\n");

        // Headers and body are two writes: without TCP_NODELAY, Nagle and delayed ACKs add 40 ms.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        HttpServer tokens = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        TestRegistry[] self = new TestRegistry[1];
        tokens.createContext("/token", exchange -> {
            self[0].tokenRequests.incrementAndGet();
            String user = basicUser(exchange, users);
            if (user == null) {
                respond(exchange, 401, "{\"details\":\"wrong credentials\"}");
                return;
            }
            List<Map<String, Object>> access = new ArrayList<>();
            for (String scope : query(exchange.getRequestURI(), "scope")) {
                String[] parts = scope.split(":");
                List<String> granted = List.of(parts[2].split(",")).stream()
                        .filter(action -> may.test(user, parts[1] + ":" + action))
                        .toList();
                access.add(Map.of("type", parts[0], "name", parts[1], "actions", granted));
            }
            String token = Jwt.issuer(ISSUER)
                    .subject(user)
                    .audience(SERVICE)
                    .claim("access", access)
                    .claim("jti", java.util.UUID.randomUUID().toString())
                    .issuedAt(java.time.Instant.now().minusSeconds(5))
                    .claim("nbf", java.time.Instant.now().minusSeconds(5).getEpochSecond())
                    .expiresIn(300)
                    .jws()
                    .algorithm(SignatureAlgorithm.RS256)
                    .header("x5c", List.of(der))
                    .sign(keys.getPrivate());
            respond(exchange, 200, "{\"token\":\"" + token + "\",\"expires_in\":300}");
        });
        tokens.start();
        String auth = "  token:\n    realm: http://127.0.0.1:"
                + tokens.getAddress().getPort() + "/token\n" + "    service: " + SERVICE + "\n    issuer: " + ISSUER
                + "\n    rootcertbundle: " + dir.resolve("token-ca.pem") + "\n";
        self[0] = start(dir, auth, tokens);
        return self[0];
    }

    private static TestRegistry start(Path dir, String auth, HttpServer tokens) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path config = dir.resolve("config.yml");
        Files.writeString(
                config,
                "version: 0.1\nlog:\n  level: warn\n  accesslog:\n    disabled: true\n"
                        + "storage:\n  filesystem:\n    rootdirectory: " + Files.createDirectories(dir.resolve("data"))
                        + "\n"
                        + "http:\n  addr: 127.0.0.1:" + port + "\n" + (auth.isEmpty() ? "" : "auth:\n" + auth));
        Process process = new ProcessBuilder(BINARY, "serve", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("registry.log").toFile())
                .start();
        TestRegistry registry = new TestRegistry(process, port, tokens);
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            try {
                HTTP.send(
                        HttpRequest.newBuilder(URI.create(registry.url() + "/v2/"))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                return registry;
            } catch (IOException e) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "docker-registry did not start: " + Files.readString(dir.resolve("registry.log")));
                }
                Thread.sleep(50);
            }
        }
    }

    /** One Vert.x for the registry clients that tests build by hand, for the whole test JVM. */
    public static final io.vertx.core.Vertx VERTX = io.vertx.core.Vertx.vertx();

    /** The client's configuration for tests: plain HTTP to these registries, quick retries. */
    /** The client's configuration: {@code insecure} spoken to over HTTP and allowed although on loopback. */
    public static RegistryConfig clientConfig(int maxRetries, List<String> insecure) {
        return new SmallRyeConfigBuilder()
                .withMapping(RegistryConfig.class)
                .withConverter(Duration.class, 100, new DurationConverter())
                .withDefaultValues(Map.of(
                        "para.registry.connect-timeout",
                        "2s",
                        "para.registry.request-timeout",
                        "5s",
                        "para.registry.max-retries",
                        String.valueOf(maxRetries),
                        "para.registry.retry-delay",
                        "10ms",
                        "para.registry.max-retry-after",
                        "1s",
                        "para.registry.insecure-registries",
                        String.join(",", insecure),
                        // the test registries and their token services are on loopback: allowed by name, as an
                        // operator allows an in-cluster registry
                        "para.registry.allowed-hosts",
                        "127.0.0.1"))
                .build()
                .getConfigMapping(RegistryConfig.class);
    }

    /** {@code 127.0.0.1:<port>}: the registry part of image references. */
    public String host() {
        return "127.0.0.1:" + port;
    }

    public String url() {
        return "http://" + host();
    }

    /** Requests the token service has answered so far. */
    public int tokenRequests() {
        return tokenRequests.get();
    }

    /**
     * Pushes a tiny image (a config blob, one layer, an OCI manifest) as {@code repository:tag}
     * through the registry's HTTP API; its manifest digest.
     */
    public String push(String repository, String tag, RegistryCredential pusher) throws Exception {
        byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"
                .getBytes(StandardCharsets.UTF_8);
        byte[] layer = ("para-dispatch test layer " + repository + ":" + tag).getBytes(StandardCharsets.UTF_8);
        String authorization = authorization(repository, "pull,push", pusher);
        String configDigest = upload(repository, config, authorization);
        String layerDigest = upload(repository, layer, authorization);
        String manifest = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + configDigest
                + "\",\"size\":" + config.length
                + "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\","
                + "\"digest\":\"" + layerDigest + "\",\"size\":" + layer.length + "}]}";
        HttpResponse<String> put = HTTP.send(
                HttpRequest.newBuilder(URI.create(url() + "/v2/" + repository + "/manifests/" + tag))
                        .header("Authorization", authorization)
                        .header("Content-Type", "application/vnd.oci.image.manifest.v1+json")
                        .PUT(HttpRequest.BodyPublishers.ofString(manifest))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (put.statusCode() != 201) {
            throw new IllegalStateException("manifest push: " + put.statusCode() + " " + put.body());
        }
        return digest(manifest.getBytes(StandardCharsets.UTF_8));
    }

    private String upload(String repository, byte[] blob, String authorization) throws Exception {
        HttpResponse<String> start = HTTP.send(
                HttpRequest.newBuilder(URI.create(url() + "/v2/" + repository + "/blobs/uploads/"))
                        .header("Authorization", authorization)
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (start.statusCode() != 202) {
            throw new IllegalStateException("upload start: " + start.statusCode() + " " + start.body());
        }
        String location = start.headers().firstValue("Location").orElseThrow();
        URI target = URI.create(url()).resolve(location);
        String digest = digest(blob);
        URI put = URI.create(target + (target.getQuery() == null ? "?" : "&") + "digest=" + digest);
        HttpResponse<String> done = HTTP.send(
                HttpRequest.newBuilder(put)
                        .header("Authorization", authorization)
                        .header("Content-Type", "application/octet-stream")
                        .PUT(HttpRequest.BodyPublishers.ofByteArray(blob))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (done.statusCode() != 201) {
            throw new IllegalStateException("upload: " + done.statusCode() + " " + done.body());
        }
        return digest;
    }

    /** Basic for an htpasswd registry; a token for the scope from the token service otherwise. */
    private String authorization(String repository, String actions, RegistryCredential credential) throws Exception {
        if (tokenService == null) {
            return credential.basicAuthorization();
        }
        URI uri = URI.create("http://127.0.0.1:" + tokenService.getAddress().getPort() + "/token?service=" + SERVICE
                + "&scope=repository:" + repository + ":" + actions);
        HttpResponse<String> answer = HTTP.send(
                HttpRequest.newBuilder(uri)
                        .header("Authorization", credential.basicAuthorization())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        String token = answer.body().replaceFirst(".*\"token\":\"([^\"]+)\".*", "$1");
        return "Bearer " + token;
    }

    static String digest(byte[] content) throws Exception {
        return "sha256:"
                + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    }

    private static String basicUser(HttpExchange exchange, Map<String, String> users) {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        if (header == null || !header.startsWith("Basic ")) {
            return null;
        }
        String[] pair =
                new String(Base64.getDecoder().decode(header.substring(6)), StandardCharsets.UTF_8).split(":", 2);
        return pair.length == 2 && pair[1].equals(users.get(pair[0])) ? pair[0] : null;
    }

    private static List<String> query(URI uri, String name) {
        List<String> values = new ArrayList<>();
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                String[] kv = pair.split("=", 2);
                if (kv[0].equals(name) && kv.length == 2) {
                    values.add(URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
                }
            }
        }
        return values;
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Override
    public void close() {
        process.destroy();
        if (tokenService != null) {
            tokenService.stop(0);
        }
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException(e));
        }
    }
}
