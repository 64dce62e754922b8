package dev.para.dispatch.identity;

import dev.para.dispatch.RuntimeConfig;
import dev.para.dispatch.api.ProblemException;
import dev.para.dispatch.api.ProblemType;
import dev.para.dispatch.audit.AuditLog;
import dev.para.dispatch.crypto.BrowserStates;
import dev.para.dispatch.github.AppCredentials;
import dev.para.dispatch.github.GitHubClient;
import dev.para.dispatch.github.GitHubConfig;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.NewCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The GitHub user an account acts as. Linked once through GitHub's OAuth flow (the same
 * browser-bound, single-use states as installing the App): the user's code is exchanged for a
 * token, {@code GET /user} says who they are, and only their id and login are kept; the user
 * token is dropped. Sessions created through the API run only where this user may push.
 */
@ApplicationScoped
public class GitHubIdentities {

    static final Duration STATE_LIFETIME = Duration.ofMinutes(10);
    static final String CALLBACK = "/github/identity/callback";

    /** The GitHub user an account acts as. */
    public record Identity(long userId, String login) {}

    /** Where to send the user to link their identity, and until when the link works. */
    public record LinkUrl(String url, Instant expiresAt) {}

    /** GitHub's authorization page, and the cookie that binds the state to this browser. */
    public record ToGitHub(URI location, NewCookie cookie) {}

    private static final String SELECT =
            "SELECT github_user_id, github_login FROM account_github_identities" + " WHERE account_id = $1";
    private static final String UPSERT =
            "INSERT INTO account_github_identities (account_id, github_user_id, github_login,"
                    + " linked_at) VALUES ($1, $2, $3, $4) ON CONFLICT (account_id) DO UPDATE SET github_user_id = EXCLUDED.github_user_id,"
                    + " github_login = EXCLUDED.github_login, linked_at = EXCLUDED.linked_at";

    private final Pool pool;
    private final BrowserStates states;
    private final GitHubClient github;
    private final GitHubConfig config;
    private final RuntimeConfig runtime;
    private final AppCredentials credentials;
    private final AuditLog audit;
    private final Clock clock;

    GitHubIdentities(
            Pool pool,
            BrowserStates states,
            GitHubClient github,
            GitHubConfig config,
            RuntimeConfig runtime,
            AppCredentials credentials,
            AuditLog audit,
            Clock clock) {
        this.pool = pool;
        this.states = states;
        this.github = github;
        this.config = config;
        this.runtime = runtime;
        this.credentials = credentials;
        this.audit = audit;
        this.clock = clock;
    }

    /** The account's GitHub identity, if it linked one. */
    public Uni<Optional<Identity>> of(String accountId) {
        return pool.preparedQuery(SELECT)
                .execute(Tuple.of(accountId))
                .map(rows -> rows.size() == 0
                        ? Optional.empty()
                        : Optional.of(new Identity(
                                rows.iterator().next().getLong("github_user_id"),
                                rows.iterator().next().getString("github_login"))));
    }

    /** The account's identity, or 403 saying how to link one. */
    public Uni<Identity> required(String accountId) {
        return of(accountId)
                .map(found -> found.orElseThrow(() -> new ProblemException(
                        ProblemType.GITHUB_IDENTITY_REQUIRED,
                        "Sessions act for a GitHub user who may push to the repository, and this account has"
                                + " linked none: GET /api/v1/me/github and open its linkUrl in a browser")));
    }

    /** The link for the caller to open in a browser; {@code requestUrl} is used when para.public-url is not set. */
    public Uni<LinkUrl> linkUrl(String accountId, String actor, URI requestUrl) {
        clientId();
        String base = base(requestUrl);
        return states.issue(BrowserStates.Flow.GITHUB_IDENTITY, STATE_LIFETIME, accountId, actor)
                .map(issued ->
                        new LinkUrl(base + "/github/identity?state=" + encode(issued.state()), issued.expiresAt()));
    }

    /** The link opened: binds its state to this browser and sends it to GitHub's authorization page. */
    public Uni<ToGitHub> toGitHub(String state, URI requestUrl) {
        String clientId = clientId();
        String base = base(requestUrl);
        return refusedAsProblem(() -> states.claim(BrowserStates.Flow.GITHUB_IDENTITY, state, 2, STATE_LIFETIME))
                .map(cookie -> new ToGitHub(
                        URI.create(config.webUrl().toString().replaceAll("/+$", "")
                                + "/login/oauth/authorize?client_id=" + encode(clientId) + "&state=" + encode(state)
                                + "&redirect_uri=" + encode(base + CALLBACK)),
                        cookie));
    }

    /** GitHub's redirect: who the user is, kept for the account that asked; the user token is dropped. */
    public Uni<Identity> complete(String code, String state, HttpHeaders browser) {
        if (code == null || code.isBlank()) {
            throw ProblemException.badRequest("code", "is required; GitHub sends it after the user authorized the App");
        }
        return refusedAsProblem(() -> states.complete(BrowserStates.Flow.GITHUB_IDENTITY, state, 2, browser))
                .flatMap(fields -> github.userToken(code, "the link")
                        .flatMap(github::authenticatedUser)
                        .flatMap(user -> pool.preparedQuery(UPSERT)
                                .execute(Tuple.of(
                                        fields.get(0),
                                        user.id(),
                                        user.login(),
                                        clock.instant().atOffset(ZoneOffset.UTC)))
                                .call(() -> Panache.withTransaction(() -> audit.record(
                                        fields.get(0),
                                        fields.get(1),
                                        "github-identity.linked",
                                        "account",
                                        fields.get(0),
                                        Map.of("githubLogin", user.login()))))
                                .replaceWith(new Identity(user.id(), user.login()))));
    }

    private String clientId() {
        return credentials
                .oauthClientId()
                .orElseThrow(() -> ProblemException.unavailable(
                        ProblemType.APP_NOT_CONFIGURED,
                        "The GitHub App has no OAuth client id (para.github.oauth.client-id), so nobody can sign in with GitHub",
                        null));
    }

    private String base(URI requestUrl) {
        return runtime.publicUrl().orElse(requestUrl).toString().replaceAll("/+$", "");
    }

    private static <T> Uni<T> refusedAsProblem(Supplier<Uni<? extends T>> work) {
        return BrowserStates.refusedAsProblem(work, "GET /api/v1/me/github");
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
