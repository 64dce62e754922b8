package dev.para.dispatch.playground;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.para.dispatch.Redactor;
import dev.para.dispatch.github.AppPrivateKeyReader;
import dev.para.dispatch.github.GitHubConfig;
import io.quarkus.arc.profile.UnlessBuildProfile;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.RSAPublicKeySpec;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The playground's forge: one HTTP server on 127.0.0.1 that stands in for GitHub, made of real
 * parts where they exist. Git is {@code git http-backend} over the forge's bare repositories
 * (anyone may clone, as from a public repository; a push needs an installation token with
 * contents:write). GitHub's REST API the service calls is under {@code /api/v3} and GraphQL at
 * {@code /api/graphql} (as on GitHub Enterprise Server), and {@code /<owner>/<repo>/pull/<n>} shows a pull request with its diff.
 * At start it seeds the demo repository and links the App's installation on the demo owner to the
 * dev account. Not in a production build; started only when {@code para.playground.enabled}.
 */
@ApplicationScoped
@UnlessBuildProfile("prod")
public class Forge {

    private static final Pattern GIT = Pattern.compile("/([\\w.-]+/[\\w.-]+)\\.git(/.*)?");
    private static final Pattern PULL_PAGE = Pattern.compile("/([\\w.-]+/[\\w.-]+)/pull/(\\d+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PlaygroundConfig config;
    private final GitHubConfig github;
    private final PlaygroundRepository links;
    private final Clock clock;

    private HttpServer server;
    private ExecutorService executor;
    private ForgeRepositories repositories;
    private ForgeState state;
    private ForgeGitHub api;
    private GitBackend git;

    Forge(PlaygroundConfig config, GitHubConfig github, PlaygroundRepository links, Clock clock) {
        this.config = config;
        this.github = github;
        this.links = links;
        this.clock = clock;
    }

    void start(@Observes StartupEvent start) {
        if (!config.enabled()) {
            return;
        }
        String forge = "http://127.0.0.1:" + config.port();
        if (!github.apiUrl().toString().startsWith(forge + "/")) {
            // A real App is configured (or GitHub Enterprise): the service talks to it, never to a forge.
            Log.warnf(
                    "para.playground.enabled is set, but para.github.api-url is %s, not the playground's forge at %s:"
                            + " the playground stays off",
                    github.apiUrl(), forge);
            return;
        }
        try {
            Path dir = Files.createDirectories(config.dir());
            repositories = new ForgeRepositories(Files.createDirectories(dir.resolve("git")));
            repositories.seed(config.repository());
            state = new ForgeState(dir.resolve("state.json"));
            git = new GitBackend(repositories.root());
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), config.port()), 0);
            api = new ForgeGitHub(
                    repositories,
                    state,
                    github.appId()
                            .orElseThrow(() -> new IllegalStateException(
                                    "The playground needs para.github.app-id (dev mode sets it)")),
                    appPublicKey(),
                    owner(),
                    config.user(),
                    url(),
                    clock);
            executor = Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "para-playground-forge");
                t.setDaemon(true);
                return t;
            });
            server.setExecutor(executor);
            server.createContext("/", this::serve);
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException("The playground's forge cannot start", e);
        }
        links.link(ForgeGitHub.INSTALLATION_ID, owner(), config.account(), 583231, config.user())
                .await()
                .indefinitely();
        Log.infof(
                "Playground: a forge that stands in for GitHub runs at %s with the demo repository %s (git clone %s/%s.git);"
                        + " its App is installed on '%s' and linked to the account '%s'. Sessions run %s. See /playground.",
                url(), config.repository(), url(), config.repository(), owner(), config.account(), config.agent());
    }

    void stop(@Observes ShutdownEvent stop) {
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
        }
    }

    public boolean running() {
        return server != null;
    }

    /** The forge's base URL: its web pages and git; the API is under /api/v3. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public String repository() {
        return config.repository();
    }

    public String agent() {
        return config.agent();
    }

    /** The pull requests the service opened at the forge, newest first. */
    public List<JsonNode> pulls() {
        return state.allPulls().stream()
                .sorted((a, b) -> Long.compare(b.id, a.id))
                .map(p -> (JsonNode) api.pullJson(p).put("repository", p.repository))
                .toList();
    }

    /** The diff of a pull request, as GitHub's "Files changed" shows it. */
    public String diff(JsonNode pull) {
        return repositories.diff(
                pull.path("repository").asText(),
                pull.path("base").path("ref").asText(),
                pull.path("head").path("ref").asText());
    }

    /** The branches of the demo repository. */
    public List<String> branches() {
        return repositories.branches(config.repository());
    }

    /** The comments on an issue or pull request of the demo repository. */
    public List<JsonNode> comments(int issue) {
        return state.comments(config.repository(), issue).stream()
                .map(c -> (JsonNode) api.commentJson(c))
                .toList();
    }

    /** Whether the demo repository has this issue or pull request. */
    public boolean issueExists(int issue) {
        return state.issueExists(config.repository(), issue);
    }

    /** A comment written at the forge by the playground's user; the webhook GitHub would send for it. */
    public Optional<JsonNode> comment(int issue, String body) {
        if (!state.issueExists(config.repository(), issue)) {
            return Optional.empty();
        }
        ForgeState.Comment comment = api.commentAsUser(config.repository(), issue, body);
        return Optional.of(ForgeWebhooks.issueCommentCreated(
                api, state, config.repository(), issue, comment, ForgeGitHub.INSTALLATION_ID));
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (path.startsWith("/api/v3/")) {
                answerApi(exchange, path.substring("/api/v3".length()));
                return;
            }
            if (path.equals("/api/graphql")) {
                // As on GitHub Enterprise Server: GraphQL beside the REST base, not under it.
                answerApi(exchange, "/graphql");
                return;
            }
            Matcher gitPath = GIT.matcher(path);
            if (gitPath.matches()) {
                String token = GitBackend.token(exchange.getRequestHeaders().getFirst("Authorization"));
                boolean push = GitBackend.isPush(exchange);
                if (!repositories.exists(gitPath.group(1))) {
                    exchange.sendResponseHeaders(404, -1);
                } else if (api.mayGit(token, gitPath.group(1), push)) {
                    git.serve(exchange);
                } else {
                    GitBackend.challenge(exchange);
                }
                return;
            }
            Matcher pullPage = PULL_PAGE.matcher(path);
            if (pullPage.matches() && exchange.getRequestMethod().equals("GET")) {
                int number = Integer.parseInt(pullPage.group(2));
                Optional<JsonNode> pull = pulls().stream()
                        .filter(p -> p.path("repository").asText().equals(pullPage.group(1))
                                && p.path("number").asInt() == number)
                        .findFirst();
                if (pull.isPresent()) {
                    html(exchange, 200, PlaygroundPages.pulls(List.of(pull.get()), this::diff, url()));
                } else {
                    html(exchange, 404, PlaygroundPages.notFound());
                }
                return;
            }
            if (path.equals("/") && exchange.getRequestMethod().equals("GET")) {
                html(exchange, 200, PlaygroundPages.pulls(pulls(), this::diff, url()));
                return;
            }
            html(exchange, 404, PlaygroundPages.notFound());
        } catch (RuntimeException e) {
            Log.warnf(
                    "Playground forge: %s %s failed: %s",
                    exchange.getRequestMethod(), exchange.getRequestURI().getPath(), Redactor.describe(e));
            exchange.sendResponseHeaders(500, -1);
        }
    }

    private void answerApi(HttpExchange exchange, String path) throws IOException {
        byte[] raw = exchange.getRequestBody().readAllBytes();
        JsonNode body;
        try {
            body = raw.length == 0 ? NullNode.getInstance() : JSON.readTree(raw);
        } catch (IOException e) {
            json(
                    exchange,
                    new ForgeGitHub.Answer(400, JSON.createObjectNode().put("message", "Problems parsing JSON")));
            return;
        }
        ForgeGitHub.Answer answer = api.handle(new ForgeGitHub.Request(
                exchange.getRequestMethod(),
                path,
                query(exchange.getRequestURI().getRawQuery()),
                exchange.getRequestHeaders().getFirst("Authorization"),
                body));
        json(exchange, answer);
    }

    private static void json(HttpExchange exchange, ForgeGitHub.Answer answer) throws IOException {
        exchange.getResponseHeaders().add("X-GitHub-Media-Type", "github.v3; format=json");
        if (answer.body() == null) {
            exchange.sendResponseHeaders(answer.status(), -1);
            return;
        }
        byte[] bytes = JSON.writeValueAsBytes(answer.body());
        exchange.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(answer.status(), bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void html(HttpExchange exchange, int status, String page) throws IOException {
        byte[] bytes = page.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> query = new LinkedHashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    query.put(
                            URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return query;
    }

    private String owner() {
        return config.repository().substring(0, config.repository().indexOf('/'));
    }

    /** The public half of the App's key, as GitHub keeps it to check the App's JWTs. */
    private PublicKey appPublicKey() throws IOException {
        String pem = github.privateKey().isPresent()
                ? github.privateKey().get()
                : Files.readString(github.privateKeyFile()
                        .orElseThrow(() -> new IllegalStateException(
                                "The playground needs the App's private key (dev mode makes one)")));
        if (!(AppPrivateKeyReader.read(pem) instanceof RSAPrivateCrtKey key)) {
            throw new IllegalStateException("The App's private key has no public exponent");
        }
        try {
            return KeyFactory.getInstance("RSA")
                    .generatePublic(new RSAPublicKeySpec(key.getModulus(), key.getPublicExponent()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The App's public key cannot be made", e);
        }
    }
}
