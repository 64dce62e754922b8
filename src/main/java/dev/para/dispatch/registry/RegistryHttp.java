package dev.para.dispatch.registry;

import io.smallrye.mutiny.Uni;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One HTTP exchange with a registry or its token service, on the terms a caller-named host
 * deserves: the host is resolved and vetted ({@link RegistryAddresses}) and the connection goes to
 * the vetted address (TLS still verifies the host name); redirects are followed by hand, at most
 * {@value #MAX_REDIRECTS}, each vetted again; the Authorization header goes only to the host it
 * was meant for; at most {@value #MAX_BODY_BYTES} bytes of the answer are read (then the exchange
 * is cut), and all of it, body included, within the request timeout.
 */
final class RegistryHttp {

    static final int MAX_REDIRECTS = 3;
    /** The most of an answer that is read: manifests and tokens are far smaller. */
    static final int MAX_BODY_BYTES = 64 * 1024;

    /** What to ask: {@code authorization} is sent to {@code authorizedHost} only (host or host:port). */
    record Request(String method, URI uri, Map<String, String> headers, String authorization, String authorizedHost) {}

    /** The final answer (after redirects), at most {@link #MAX_BODY_BYTES} of its body, and where it came from. */
    record Answer(URI uri, int status, MultiMap headers, String body, String authorizationSent) {

        Optional<String> header(String name) {
            return Optional.ofNullable(headers.get(name));
        }
    }

    private final Vertx vertx;
    private final HttpClient http;
    private final RegistryAddresses addresses;
    private final RegistryConfig config;

    RegistryHttp(Vertx vertx, RegistryConfig config) {
        this.vertx = vertx;
        this.config = config;
        this.addresses = new RegistryAddresses(config);
        this.http = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout((int) config.connectTimeout().toMillis())
                .setVerifyHost(true)
                .setForceSni(true)
                .setMaxPoolSize(16)
                .setKeepAlive(true));
    }

    /** Whether plain HTTP may be spoken with this host (a lab registry, or one the operator allowed by name). */
    boolean mayUseHttp(URI uri) {
        String hostPort = uri.getHost() + ":" + port(uri);
        return config.insecureRegistries().orElse(java.util.List.of()).stream()
                        .anyMatch(h -> h.equalsIgnoreCase(hostPort) || h.equalsIgnoreCase(uri.getHost()))
                || addresses.allowed(uri.getHost(), port(uri));
    }

    /** The exchange, redirects and body included, within the request timeout. */
    Uni<Answer> exchange(Request request) {
        return hop(request, 0)
                .ifNoItem()
                .after(config.requestTimeout())
                .failWith(() -> new RegistryException(
                        RegistryError.UNREACHABLE,
                        request.uri().getHost() + " did not answer within " + config.requestTimeout(),
                        null));
    }

    private Uni<Answer> hop(Request request, int redirects) {
        URI uri = request.uri();
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http") && mayUseHttp(uri))) {
            return Uni.createFrom()
                    .failure(new RegistryException(
                            RegistryError.ADDRESS_REFUSED,
                            "only https is spoken with " + uri.getHost()
                                    + " (plain http only with hosts the operator allowed)",
                            null));
        }
        int port = port(uri);
        return vetted(uri.getHost(), port)
                .flatMap(address -> send(request, address, port))
                .flatMap(answer -> {
                    String location = answer.header("Location").orElse(null);
                    if (answer.status() < 300 || answer.status() >= 400 || answer.status() == 304 || location == null) {
                        return Uni.createFrom().item(answer);
                    }
                    if (redirects >= MAX_REDIRECTS) {
                        return Uni.createFrom()
                                .failure(new RegistryException(
                                        RegistryError.PROTOCOL, "more than " + MAX_REDIRECTS + " redirects", null));
                    }
                    URI next;
                    try {
                        next = uri.resolve(location);
                    } catch (IllegalArgumentException e) {
                        return Uni.createFrom()
                                .failure(new RegistryException(RegistryError.PROTOCOL, "a redirect to no URL", null));
                    }
                    String method = answer.status() == 303 ? "GET" : request.method();
                    return hop(
                            new Request(
                                    method, next, request.headers(), request.authorization(), request.authorizedHost()),
                            redirects + 1);
                });
    }

    /** The address to connect to, resolved on a worker thread (DNS blocks). */
    private Uni<InetAddress> vetted(String host, int port) {
        return Uni.createFrom()
                .completionStage(() -> vertx.<InetAddress>executeBlocking(() -> addresses.vet(host, port), false)
                        .toCompletionStage());
    }

    private Uni<Answer> send(Request request, InetAddress address, int port) {
        URI uri = request.uri();
        boolean authorize = request.authorization() != null && sameHost(uri, port, request.authorizedHost());
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.valueOf(request.method()))
                .setHost(uri.getHost())
                .setPort(port)
                .setSsl("https".equalsIgnoreCase(uri.getScheme()))
                .setServer(SocketAddress.inetSocketAddress(port, address.getHostAddress()))
                .setURI(uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()))
                .setFollowRedirects(false)
                .setIdleTimeout(config.requestTimeout().toMillis());
        request.headers().forEach(options::addHeader);
        if (authorize) {
            options.putHeader("Authorization", request.authorization());
        }
        return Uni.createFrom()
                .emitter(emitter -> http.request(options)
                        .compose(r -> r.send())
                        .onSuccess(response ->
                                readCapped(response, uri, authorize ? request.authorization() : null, emitter))
                        .onFailure(e -> emitter.fail(
                                e instanceof RegistryException
                                        ? e
                                        : new RegistryException(
                                                RegistryError.UNREACHABLE,
                                                uri.getHost() + " ("
                                                        + e.getClass().getSimpleName() + ")",
                                                null))));
    }

    /** Reads the body up to the cap; past it the connection is closed, the rest never read. */
    private static void readCapped(
            HttpClientResponse response,
            URI uri,
            String authorizationSent,
            io.smallrye.mutiny.subscription.UniEmitter<? super Answer> emitter) {
        Buffer body = Buffer.buffer();
        boolean[] done = {false};
        response.handler(chunk -> {
            if (done[0]) {
                return;
            }
            int room = MAX_BODY_BYTES - body.length();
            body.appendBuffer(chunk.length() <= room ? chunk : chunk.slice(0, room));
            if (chunk.length() > room) {
                done[0] = true;
                response.request().connection().close();
                emitter.complete(new Answer(
                        uri,
                        response.statusCode(),
                        response.headers(),
                        body.toString(StandardCharsets.UTF_8),
                        authorizationSent));
            }
        });
        response.exceptionHandler(e -> {
            if (!done[0]) {
                done[0] = true;
                emitter.fail(new RegistryException(
                        RegistryError.UNREACHABLE,
                        uri.getHost() + " (" + e.getClass().getSimpleName() + ")",
                        null));
            }
        });
        response.endHandler(ignored -> {
            if (!done[0]) {
                done[0] = true;
                emitter.complete(new Answer(
                        uri,
                        response.statusCode(),
                        response.headers(),
                        body.toString(StandardCharsets.UTF_8),
                        authorizationSent));
            }
        });
    }

    private static boolean sameHost(URI uri, int port, String authorizedHost) {
        if (authorizedHost == null) {
            return false;
        }
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        String wanted = authorizedHost.toLowerCase(Locale.ROOT);
        return wanted.equals(host + ":" + port) || wanted.equals(host);
    }

    static int port(URI uri) {
        return uri.getPort() != -1 ? uri.getPort() : "http".equalsIgnoreCase(uri.getScheme()) ? 80 : 443;
    }
}
