package dev.para.dispatch.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.para.dispatch.Contexts;
import dev.para.dispatch.Texts;
import dev.para.dispatch.work.Backoff;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Registry HTTP API v2 (OCI distribution spec) as far as a pull check needs it: the manifest
 * of a tag or digest, with Basic auth or the {@code WWW-Authenticate: Bearer} token handshake,
 * typed errors, timeouts, and retries with backoff on network errors, 5xx and short 429s.
 *
 * <p>Over 300 lines: the token handshake, its reuse and the error typing are one protocol; the
 * transport and address vetting are apart ({@link RegistryHttp}, {@link RegistryAddresses}).
 */
@ApplicationScoped
public class RegistryClient {

    /** Every manifest kind a pull may meet: multi-platform indexes and single manifests, OCI and Docker. */
    static final String ACCEPT = String.join(
            ", ",
            "application/vnd.oci.image.index.v1+json",
            "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.docker.distribution.manifest.list.v2+json",
            "application/vnd.docker.distribution.manifest.v2+json");

    private static final Pattern CHALLENGE_PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");
    /** How long an Authorization is reused at most; a Bearer token's own {@code expires_in} may shorten it. */
    private static final Duration AUTHORIZATION_REUSE = Duration.ofMinutes(5);

    /** An Authorization header for a repository, and until when it may be sent again. */
    private record Authorization(String header, Instant reuseUntil) {}

    private final RegistryConfig config;
    private final RegistryMetrics metrics;
    private final ObjectMapper json;
    private final RegistryHttp http;
    private final Clock clock;
    /** Per registry, repository and credential: the next check of another tag skips the 401 and the token service. */
    private final Cache<String, Authorization> authorizations = Caffeine.newBuilder()
            .maximumSize(10_000)
            .expireAfterWrite(AUTHORIZATION_REUSE)
            .build();

    public RegistryClient(RegistryConfig config, RegistryMetrics metrics, ObjectMapper json, Vertx vertx, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.metrics = metrics;
        this.json = json;
        this.http = new RegistryHttp(vertx, config);
    }

    /** The image's manifest, as the credential (if any) sees it; a typed {@link RegistryException} otherwise. */
    public Uni<ImageCheck> check(ImageReference image, Optional<RegistryCredential> credential) {
        return Contexts.onCallersContext(attempt(image, credential, 0));
    }

    private Uni<ImageCheck> attempt(ImageReference image, Optional<RegistryCredential> credential, int retry) {
        return manifest(image, credential).onFailure(RegistryException.class).recoverWithUni(failure -> {
            RegistryException e = (RegistryException) failure;
            Optional<Duration> wait = backoff(e, retry);
            return wait.isPresent()
                    ? Uni.createFrom()
                            .voidItem()
                            .onItem()
                            .delayIt()
                            .by(wait.get())
                            .flatMap(v -> attempt(image, credential, retry + 1))
                    : Uni.createFrom().failure(e);
        });
    }

    private Optional<Duration> backoff(RegistryException e, int retry) {
        if (!e.isRetryable() || retry >= config.maxRetries()) {
            return Optional.empty();
        }
        if (e.retryAfter().isPresent()) {
            return e.retryAfter().filter(after -> after.compareTo(config.maxRetryAfter()) <= 0);
        }
        // Few retries (para.registry.max-retries): the doubling needs no cap of its own.
        return Optional.of(Backoff.jittered(config.retryDelay(), retry, Duration.ofHours(1)));
    }

    /** HEAD the manifest; on a 401, authenticate as the challenge says and ask again. */
    private Uni<ImageCheck> manifest(ImageReference image, Optional<RegistryCredential> credential) {
        URI uri = URI.create(base(image) + "/v2/" + image.repository() + "/manifests/" + image.reference());
        String key = image.registry() + "|" + image.repository() + "|"
                + credential.map(RegistryCredential::fingerprint).orElse("-");
        Authorization reused = authorizations.getIfPresent(key);
        String first = reused != null && clock.instant().isBefore(reused.reuseUntil()) ? reused.header() : null;
        return send("manifest", manifestRequest(image, uri, "HEAD", first))
                .flatMap(answer -> answer.status() != 401
                        ? Uni.createFrom().item(answer)
                        : authorization(image, credential, answer)
                                .invoke(auth -> authorizations.put(key, auth))
                                .flatMap(auth -> send("manifest", manifestRequest(image, uri, "HEAD", auth.header()))))
                .flatMap(answer -> answer.status() != 404
                        ? Uni.createFrom().item(answer)
                        // A missing manifest: the tag list says whether the repository is missing too.
                        : send(
                                        "tags",
                                        manifestRequest(
                                                image,
                                                URI.create(base(image) + "/v2/" + image.repository() + "/tags/list"),
                                                "GET",
                                                answer.authorizationSent()))
                                .map(tags -> tags.status() == 404 ? tags : answer))
                .map(answer -> result(image, credential, answer));
    }

    /** A request to the image's registry: its Authorization (a credential, or a token for it) goes to that host only. */
    private static RegistryHttp.Request manifestRequest(
            ImageReference image, URI uri, String method, String authorization) {
        return new RegistryHttp.Request(method, uri, Map.of("Accept", ACCEPT), authorization, image.apiHost());
    }

    private ImageCheck result(
            ImageReference image, Optional<RegistryCredential> credential, RegistryHttp.Answer answer) {
        int status = answer.status();
        if (status == 200) {
            String digest = answer.header("Docker-Content-Digest").orElse(image.digest());
            String mediaType = answer.header("Content-Type").orElse("unknown");
            return new ImageCheck(image, digest, mediaType);
        }
        String detail = registryError(answer);
        throw switch (status) {
            // A token without the pull scope: the credential is valid, this repository is not for it
            // (registries also answer so for repositories that do not exist, not to reveal them).
            case 401 ->
                answer.header("WWW-Authenticate").orElse("").contains("insufficient_scope")
                        ? new RegistryException(
                                RegistryError.PERMISSION,
                                "no pull access to " + image.repository() + " (or it does not exist)",
                                null)
                        : new RegistryException(
                                RegistryError.AUTHENTICATION,
                                credential.isEmpty() ? "the image is private and no credential was given" : detail,
                                null);
            case 403 -> new RegistryException(RegistryError.PERMISSION, detail, null);
            case 404 ->
                answer.uri().getPath().endsWith("/tags/list")
                        ? new RegistryException(
                                RegistryError.REPOSITORY_NOT_FOUND,
                                image.repository() + (detail == null ? "" : " (" + detail + ")"),
                                null)
                        : new RegistryException(RegistryError.MANIFEST_NOT_FOUND, image.reference(), null);
            case 429 -> new RegistryException(RegistryError.RATE_LIMITED, detail, retryAfter(answer));
            default ->
                status >= 500
                        ? new RegistryException(RegistryError.UNREACHABLE, "HTTP " + status, retryAfter(answer))
                        : new RegistryException(RegistryError.PROTOCOL, "HTTP " + status, null);
        };
    }

    /** The Authorization for the challenge of a 401: Basic, or a Bearer token from the realm. */
    private Uni<Authorization> authorization(
            ImageReference image, Optional<RegistryCredential> credential, RegistryHttp.Answer challenged) {
        String challenge = challenged.header("WWW-Authenticate").orElse("");
        if (challenge.regionMatches(true, 0, "Basic", 0, 5)) {
            return credential
                    .map(c -> Uni.createFrom()
                            .item(new Authorization(
                                    c.basicAuthorization(), clock.instant().plus(AUTHORIZATION_REUSE))))
                    .orElseGet(() -> Uni.createFrom()
                            .failure(new RegistryException(
                                    RegistryError.AUTHENTICATION,
                                    "the registry asks for a credential and none was given",
                                    null)));
        }
        if (!challenge.regionMatches(true, 0, "Bearer", 0, 6)) {
            return Uni.createFrom()
                    .failure(new RegistryException(
                            RegistryError.PROTOCOL, "401 without a Basic or Bearer challenge", null));
        }
        Map<String, String> params = new LinkedHashMap<>();
        Matcher m = CHALLENGE_PARAM.matcher(challenge);
        while (m.find()) {
            params.put(m.group(1).toLowerCase(java.util.Locale.ROOT), m.group(2));
        }
        String realm = params.get("realm");
        URI realmUri;
        try {
            realmUri = realm == null ? null : URI.create(realm);
        } catch (IllegalArgumentException e) {
            realmUri = null;
        }
        if (realmUri == null || realmUri.getHost() == null) {
            return Uni.createFrom()
                    .failure(new RegistryException(RegistryError.PROTOCOL, "a Bearer challenge without a realm", null));
        }
        if (!"https".equalsIgnoreCase(realmUri.getScheme()) && !http.mayUseHttp(realmUri)) {
            return Uni.createFrom()
                    .failure(new RegistryException(
                            RegistryError.ADDRESS_REFUSED,
                            "the token service must be https (plain http only with hosts the operator allowed)",
                            null));
        }
        String scope = params.getOrDefault("scope", "repository:" + image.repository() + ":pull");
        StringBuilder url = new StringBuilder(realm)
                .append(realm.contains("?") ? '&' : '?')
                .append("scope=")
                .append(URLEncoder.encode(scope, StandardCharsets.UTF_8));
        if (params.containsKey("service")) {
            url.append("&service=").append(URLEncoder.encode(params.get("service"), StandardCharsets.UTF_8));
        }
        // The credential goes to the registry's own token service only (registry-1.docker.io → auth.docker.io);
        // a realm elsewhere gets an anonymous request.
        String realmHost = realmUri.getHost();
        boolean ownTokenService = sameSite(realmHost, image.apiHost());
        RegistryHttp.Request request = new RegistryHttp.Request(
                "GET",
                URI.create(url.toString()),
                Map.of(),
                credential
                        .filter(c -> ownTokenService)
                        .map(RegistryCredential::basicAuthorization)
                        .orElse(null),
                ownTokenService ? realmHost : null);
        return send("token", request).map(answer -> {
            if (answer.status() == 401 || answer.status() == 403) {
                throw new RegistryException(
                        RegistryError.AUTHENTICATION, "the token service refused the credential", null);
            }
            if (answer.status() == 429) {
                throw new RegistryException(RegistryError.RATE_LIMITED, "at the token service", retryAfter(answer));
            }
            if (answer.status() >= 500) {
                throw new RegistryException(
                        RegistryError.UNREACHABLE, "the token service answered HTTP " + answer.status(), null);
            }
            try {
                JsonNode body = json.readTree(answer.body());
                String token =
                        body.path("token").asText(body.path("access_token").asText(""));
                if (answer.status() != 200 || token.isEmpty()) {
                    throw new RegistryException(
                            RegistryError.PROTOCOL,
                            "the token service answered HTTP " + answer.status() + " without a token",
                            null);
                }
                // Reused until shortly before the token expires (60 s when the service does not say).
                long lifetime = body.path("expires_in").asLong(60);
                return new Authorization("Bearer " + token, clock.instant().plusSeconds(Math.max(0, lifetime - 10)));
            } catch (IOException e) {
                throw new RegistryException(RegistryError.PROTOCOL, "the token service answered no JSON", null);
            }
        });
    }

    private Uni<RegistryHttp.Answer> send(String operation, RegistryHttp.Request request) {
        Timer.Sample sample = Timer.start();
        return http.exchange(request)
                .onItemOrFailure()
                .invoke((answer, failure) ->
                        sample.stop(metrics.request(operation, failure != null ? "network" : outcome(answer.status()))))
                .onFailure(e -> !(e instanceof RegistryException))
                .transform(e -> new RegistryException(
                        RegistryError.UNREACHABLE,
                        request.uri().getHost() + " (" + e.getClass().getSimpleName() + ")",
                        null));
    }

    /**
     * Whether a token service host belongs with a registry host: the same host, or the same parent
     * domain (auth.docker.io and registry-1.docker.io under docker.io); IP literals only themselves.
     */
    static boolean sameSite(String realmHost, String registryHost) {
        String realm = hostOnly(realmHost).toLowerCase(java.util.Locale.ROOT);
        String registryName = hostOnly(registryHost).toLowerCase(java.util.Locale.ROOT);
        if (realm.equals(registryName)) {
            return true;
        }
        if (!realm.matches("[a-z0-9.-]+") || !registryName.matches("[a-z0-9.-]+") || realm.matches("[0-9.]+")) {
            return false;
        }
        String parent = parent(registryName);
        return parent.contains(".") && parent(realm).equals(parent);
    }

    private static String hostOnly(String hostPort) {
        if (hostPort.startsWith("[")) {
            return hostPort.substring(0, hostPort.indexOf(']') + 1);
        }
        int colon = hostPort.lastIndexOf(':');
        return colon > 0 && hostPort.indexOf(':') == colon ? hostPort.substring(0, colon) : hostPort;
    }

    /** The host without its first label, when it has more than two. */
    private static String parent(String host) {
        int dot = host.indexOf('.');
        return host.chars().filter(c -> c == '.').count() >= 2 ? host.substring(dot + 1) : host;
    }

    private static String outcome(int status) {
        return status < 300
                ? "success"
                : status == 401
                        ? "unauthorized"
                        : status == 404
                                ? "not_found"
                                : status == 429 ? "rate_limited" : status >= 500 ? "server_error" : "client_error";
    }

    private String base(ImageReference image) {
        boolean insecure = config.insecureRegistries().orElse(List.of()).contains(image.registry());
        return (insecure ? "http://" : "https://") + image.apiHost();
    }

    /** The first error of a distribution-spec error body: {@code CODE: message}. */
    private String registryError(RegistryHttp.Answer answer) {
        try {
            JsonNode first = json.readTree(answer.body()).path("errors").path(0);
            if (first.isMissingNode()) {
                return null;
            }
            String message = first.path("message").asText("");
            return first.path("code").asText("UNKNOWN")
                    + (message.isEmpty() ? "" : ": " + Texts.truncate(message, 200));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static Duration retryAfter(RegistryHttp.Answer answer) {
        return answer.header("Retry-After")
                .flatMap(value -> {
                    try {
                        return Optional.of(Duration.ofSeconds(Long.parseLong(value.trim())));
                    } catch (NumberFormatException e) {
                        return Optional.empty();
                    }
                })
                .orElse(null);
    }
}
