package dev.para.dispatch.github;

import dev.para.dispatch.Texts;
import dev.para.dispatch.github.model.AccessTokenRequest;
import dev.para.dispatch.github.model.AccessTokenResponse;
import dev.para.dispatch.github.model.AppManifestConversion;
import dev.para.dispatch.github.model.CollaboratorPermission;
import dev.para.dispatch.github.model.FileContent;
import dev.para.dispatch.github.model.GitHubAccount;
import dev.para.dispatch.github.model.GitHubInstallation;
import dev.para.dispatch.github.model.GitHubRepository;
import dev.para.dispatch.github.model.GraphQlRequest;
import dev.para.dispatch.github.model.IssueComment;
import dev.para.dispatch.github.model.NewPullRequest;
import dev.para.dispatch.github.model.OAuthTokenRequest;
import dev.para.dispatch.github.model.OrgMembership;
import dev.para.dispatch.github.model.PullRequest;
import dev.para.dispatch.github.model.PullRequestUpdate;
import io.micrometer.core.instrument.Timer;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import io.smallrye.faulttolerance.api.CustomBackoffStrategy;
import io.smallrye.faulttolerance.api.Guard;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.util.TypeLiteral;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;

/**
 * The service's way to call GitHub: the typed REST clients behind one guard that retries transient
 * failures with exponential backoff and jitter, waits out short rate limits as GitHub asks, and
 * opens a circuit when GitHub is down; every attempt is timed by operation and outcome.
 *
 * <p>Over 300 lines: one short method per GitHub call the service makes, all behind the same
 * guard; the list is the inventory of what the service asks of GitHub.
 */
@Singleton
public class GitHubClient {

    /** The status of a {@link GitHubException} for a call that was not made (its scope is rate-limited). */
    static final int NOT_CALLED = -1;

    private static final int PER_PAGE = 100;
    private static final int MAX_PAGES = 50;

    @SuppressWarnings("rawtypes")
    private static final TypeLiteral<Uni> UNI = new TypeLiteral<>() {};

    private final GitHubApi api;
    private final GitHubOAuthApi oauthApi;
    private final AppJwtService appJwt;
    private final GitHubConfig config;
    private final AppCredentials credentials;
    private final GitHubMetrics metrics;
    private final RateLimits rateLimits;
    private final java.time.Clock clock;
    private final Guard guard;

    GitHubClient(
            GitHubConfig config,
            AppCredentials credentials,
            AppJwtService appJwt,
            GitHubMetrics metrics,
            RateLimits rateLimits,
            java.time.Clock clock) {
        this.rateLimits = rateLimits;
        this.clock = clock;
        this.config = config;
        this.credentials = credentials;
        this.appJwt = appJwt;
        this.metrics = metrics;
        this.api = build(config.apiUrl().toString(), GitHubApi.class);
        this.oauthApi = build(config.webUrl().toString(), GitHubOAuthApi.class);
        GitHubConfig.Retry retry = config.retry();
        GitHubConfig.CircuitBreaker breaker = config.circuitBreaker();
        this.guard = Guard.create()
                .withDescription("github")
                .withRetry()
                .maxRetries(retry.maxRetries())
                .maxDuration(
                        retry.maxRateLimitWait().plus(retry.maxDelay()).toMillis() * (retry.maxRetries() + 1),
                        ChronoUnit.MILLIS)
                .jitter(0, ChronoUnit.MILLIS)
                .whenException(this::worthRetrying)
                .withCustomBackoff()
                .strategy(() -> new Backoff(retry, this::rateLimitWait))
                .done()
                .done()
                .withCircuitBreaker()
                .name("github")
                .requestVolumeThreshold(breaker.requestVolumeThreshold())
                .failureRatio(breaker.failureRatio())
                .delay(breaker.delay().toMillis(), ChronoUnit.MILLIS)
                .when(GitHubClient::meansGitHubIsDown)
                .done()
                .build();
    }

    private <T> T build(String baseUri, Class<T> type) {
        return QuarkusRestClientBuilder.newBuilder()
                .baseUri(java.net.URI.create(baseUri))
                .connectTimeout(config.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(config.readTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .build(type);
    }

    /** Mints an installation token narrowed to the given repositories and permissions. */
    public Uni<AccessTokenResponse> createInstallationToken(long installationId, AccessTokenRequest narrowing) {
        return call(
                "create_installation_token",
                RateLimits.APP,
                () -> api.createInstallationToken(bearer(appJwt.jwt()), installationId, narrowing));
    }

    /** Revokes an installation token (it authenticates its own revocation). */
    public Uni<Void> revokeInstallationToken(InstallationToken token) {
        return call("revoke_installation_token", scope(token), () -> api.revokeInstallationToken(bearer(token)));
    }

    /** Every installation the user behind the user token can access, across pages. */
    public Uni<List<GitHubInstallation>> listUserInstallations(String userToken) {
        return userInstallationsFrom(userToken, 1, new ArrayList<>());
    }

    private Uni<List<GitHubInstallation>> userInstallationsFrom(
            String userToken, int page, List<GitHubInstallation> found) {
        return call("list_user_installations", null, () -> api.listUserInstallations(bearer(userToken), PER_PAGE, page))
                .flatMap(result -> {
                    List<GitHubInstallation> items =
                            result.installations() == null ? List.of() : result.installations();
                    found.addAll(items);
                    boolean more = items.size() == PER_PAGE && found.size() < result.totalCount() && page < MAX_PAGES;
                    return more
                            ? userInstallationsFrom(userToken, page + 1, found)
                            : Uni.createFrom().item(found);
                });
    }

    /** Turns the code of the App manifest flow into the App it created, with its key and secrets. */
    public Uni<AppManifestConversion> convertAppManifest(String code) {
        return call("convert_app_manifest", null, () -> api.convertAppManifest(code));
    }

    /** The repository as the installation token sees it (404: it does not exist or is not granted). */
    public Uni<GitHubRepository> getRepository(InstallationToken token, String owner, String repo) {
        return call("get_repository", scope(token), () -> api.getRepository(bearer(token), owner, repo));
    }

    /** A file of the repository at a branch. */
    public Uni<FileContent> getFile(InstallationToken token, String owner, String repo, String path, String ref) {
        String encoded = encodeSegments(path);
        return call("get_content", scope(token), () -> api.getContent(bearer(token), owner, repo, encoded, ref));
    }

    /** A path percent-encoded segment by segment, its slashes kept. */
    private static String encodeSegments(String path) {
        return java.util.Arrays.stream(path.split("/"))
                .map(segment -> java.net.URLEncoder.encode(segment, java.nio.charset.StandardCharsets.UTF_8)
                        .replace("+", "%20"))
                .collect(java.util.stream.Collectors.joining("/"));
    }

    /** The open pull requests whose head is the given branch of the repository's owner. */
    public Uni<List<PullRequest>> openPullRequestsFor(
            InstallationToken token, String owner, String repo, String branch) {
        return call(
                "list_pull_requests",
                scope(token),
                () -> api.listPullRequests(bearer(token), owner, repo, owner + ":" + branch, "open"));
    }

    public Uni<PullRequest> createPullRequest(InstallationToken token, String owner, String repo, NewPullRequest pull) {
        return call("create_pull_request", scope(token), () -> api.createPullRequest(bearer(token), owner, repo, pull));
    }

    public Uni<PullRequest> getPullRequest(InstallationToken token, String owner, String repo, int number) {
        return call("get_pull_request", scope(token), () -> api.getPullRequest(bearer(token), owner, repo, number));
    }

    public Uni<PullRequest> closePullRequest(InstallationToken token, String owner, String repo, int number) {
        return call(
                "update_pull_request",
                scope(token),
                () -> api.updatePullRequest(bearer(token), owner, repo, number, new PullRequestUpdate("closed")));
    }

    /** Deletes a branch; one that is gone already counts as deleted. */
    public Uni<Void> deleteBranch(InstallationToken token, String owner, String repo, String branch) {
        String ref = "heads/" + encodeSegments(branch);
        return call("delete_ref", scope(token), () -> api.deleteRef(bearer(token), owner, repo, ref))
                .onFailure(e -> e instanceof GitHubException g && (g.status() == 404 || g.status() == 422))
                .recoverWithNull();
    }

    /**
     * Where GraphQL is: beside the REST API on github.com ({@code https://api.github.com/graphql}),
     * but at {@code https://HOST/api/graphql} on GitHub Enterprise Server, whose REST base is
     * {@code https://HOST/api/v3}.
     */
    static String graphqlBase(java.net.URI apiUrl) {
        String base = apiUrl.toString().replaceAll("/+$", "");
        return base.endsWith("/api/v3") ? base.substring(0, base.length() - "/v3".length()) : base;
    }

    /** Marks a draft pull request ready for review: GraphQL only, REST has no such call. */
    public Uni<Void> markReadyForReview(InstallationToken token, String pullRequestNodeId) {
        GraphQlRequest request = new GraphQlRequest(
                "mutation($id: ID!) { markPullRequestReadyForReview(input: {pullRequestId: $id})"
                        + " { pullRequest { isDraft } } }",
                Map.of("id", pullRequestNodeId));
        return call(
                        "mark_pull_request_ready_for_review",
                        scope(token),
                        () -> api.graphql(graphqlBase(config.apiUrl()), bearer(token), request))
                .invoke(answer -> {
                    if (answer.errors() != null && !answer.errors().isEmpty()) {
                        throw new GitHubException(
                                GitHubError.REJECTED,
                                "mark_pull_request_ready_for_review: "
                                        + Texts.truncate(answer.errors().get(0).message(), 200),
                                null,
                                200);
                    }
                })
                .replaceWithVoid();
    }

    public Uni<IssueComment> commentOnIssue(
            InstallationToken token, String owner, String repo, int number, String body) {
        return call(
                "create_issue_comment",
                scope(token),
                () -> api.createIssueComment(bearer(token), owner, repo, number, IssueComment.of(body)));
    }

    /** The issue's comments updated since {@code since} (the first hundred). */
    public Uni<List<IssueComment>> issueCommentsSince(
            InstallationToken token, String owner, String repo, int number, java.time.Instant since) {
        return call(
                "list_issue_comments",
                scope(token),
                () -> api.listIssueComments(bearer(token), owner, repo, number, since.toString(), 100));
    }

    public Uni<IssueComment> updateIssueComment(
            InstallationToken token, String owner, String repo, long commentId, String body) {
        return call(
                "update_issue_comment",
                scope(token),
                () -> api.updateIssueComment(bearer(token), owner, repo, commentId, IssueComment.of(body)));
    }

    public Uni<CollaboratorPermission> collaboratorPermission(
            InstallationToken token, String owner, String repo, String user) {
        return call(
                "get_collaborator_permission",
                scope(token),
                () -> api.getCollaboratorPermission(bearer(token), owner, repo, user));
    }

    /** The user a user token belongs to. */
    public Uni<GitHubAccount> authenticatedUser(String userToken) {
        return call("get_authenticated_user", null, () -> api.getAuthenticatedUser(bearer(userToken)));
    }

    /** Whether the user of a user token owns the organization (an active admin); false when not a member at all. */
    public Uni<Boolean> ownsOrganization(String userToken, String org) {
        return call("get_org_membership", null, () -> api.getOrgMembership(bearer(userToken), org))
                .map(OrgMembership::isActiveAdmin)
                .onFailure(e ->
                        e instanceof GitHubException g && !g.isRetryable() && g.error() != GitHubError.BAD_CREDENTIALS)
                .recoverWithItem(false);
    }

    /**
     * A user's token for the OAuth code of a redirect: a code GitHub refuses (used, expired) is a
     * 401 problem that says to start again ({@code startAgain}: what to start again).
     */
    public Uni<String> userToken(String code, String startAgain) {
        return exchangeOAuthCode(code)
                .onFailure(GitHubException.class)
                .transform(e -> ((GitHubException) e).error() == GitHubError.BAD_CREDENTIALS
                        ? new dev.para.dispatch.api.ProblemException(
                                dev.para.dispatch.api.ProblemType.OAUTH_CODE_REJECTED,
                                "GitHub did not accept the OAuth code; it may be used or expired. Start " + startAgain
                                        + " again.")
                        : e);
    }

    /** Exchanges a user's OAuth code (from the setup redirect) for a user token. */
    public Uni<String> exchangeOAuthCode(String code) {
        String clientId = credentials
                .oauthClientId()
                .orElseThrow(() -> new GitHubException(
                        GitHubError.APP_NOT_CONFIGURED, "para.github.oauth.client-id is not set", null));
        String clientSecret = credentials
                .oauthClientSecret()
                .orElseThrow(() -> new GitHubException(
                        GitHubError.APP_NOT_CONFIGURED, "para.github.oauth.client-secret is not set", null));
        return call(
                        "exchange_oauth_code",
                        null,
                        () -> oauthApi.exchangeOAuthCode(new OAuthTokenRequest(clientId, clientSecret, code)))
                .map(answer -> {
                    if (answer.error() != null || answer.accessToken() == null) {
                        // e.g. bad_verification_code: the code is wrong, used, or expired
                        throw new GitHubException(
                                GitHubError.BAD_CREDENTIALS,
                                "OAuth code exchange refused (" + answer.error() + ")",
                                null,
                                200);
                    }
                    return answer.accessToken();
                });
    }

    /** The Authorization header of a call made with an installation token. */
    private static String bearer(InstallationToken token) {
        return bearer(token.token());
    }

    /** The Authorization header of a call made with a token or JWT: one spelling for all of them. */
    private static String bearer(String token) {
        return "Bearer " + token;
    }

    private static String scope(InstallationToken token) {
        return RateLimits.installation(token.installationId());
    }

    /**
     * One call to GitHub, for a rate-limit {@code scope} (null: none of ours, such as a user's
     * token). A scope GitHub has rate-limited is not called until the limit resets: the call fails
     * at once, without a request. Each attempt is timed; the guard retries and breaks the circuit.
     */
    @SuppressWarnings("unchecked")
    private <T> Uni<T> call(String operation, String scope, Supplier<Uni<T>> request) {
        Supplier<Uni<T>> timed = () -> {
            Optional<java.time.Instant> limited = rateLimits.limitedUntil(scope);
            if (limited.isPresent()) {
                return Uni.createFrom()
                        .failure(new GitHubException(
                                GitHubError.RATE_LIMITED,
                                operation + " not called: GitHub" + " rate-limits " + scope + " until " + limited.get(),
                                java.time.Duration.between(clock.instant(), limited.get()),
                                NOT_CALLED));
            }
            Timer.Sample sample = Timer.start(metrics.registry());
            return Uni.createFrom()
                    .deferred(request::get)
                    .onItemOrFailure()
                    .invoke((item, failure) -> sample.stop(metrics.request(operation, outcome(failure))))
                    .onFailure(GitHubException.class)
                    .invoke(e -> {
                        GitHubException g = (GitHubException) e;
                        if (g.error() == GitHubError.RATE_LIMITED) {
                            rateLimits.remember(scope, rateLimitWait(g));
                        }
                    });
        };
        return ((Uni<T>) guard.get((Supplier) timed, UNI))
                .onFailure(CircuitBreakerOpenException.class)
                .transform(e -> {
                    metrics.circuitRejected();
                    return new GitHubException(
                            GitHubError.UNAVAILABLE,
                            "GitHub calls are paused after repeated failures",
                            config.circuitBreaker().delay());
                });
    }

    private static String outcome(Throwable failure) {
        if (failure == null) {
            return "success";
        }
        if (failure instanceof GitHubException g) {
            return g.error().name().toLowerCase(Locale.ROOT);
        }
        return isNetworkFailure(failure) ? "network_error" : "error";
    }

    private boolean worthRetrying(Throwable failure) {
        if (failure instanceof GitHubException g) {
            if (g.error() == GitHubError.RATE_LIMITED) {
                return rateLimitWait(g).compareTo(config.retry().maxRateLimitWait()) <= 0;
            }
            return g.isRetryable()
                    && g.retryAfter()
                            .map(wait -> wait.compareTo(config.retry().maxRateLimitWait()) <= 0)
                            .orElse(true);
        }
        return isNetworkFailure(failure);
    }

    /** How long a rate limit lasts: as GitHub said, or for a secondary limit it did not time, the configured wait. */
    private java.time.Duration rateLimitWait(GitHubException limited) {
        return limited.retryAfter().orElse(config.retry().secondaryLimitWait());
    }

    /**
     * What opens the circuit: GitHub down or unreachable, and GitHub answering rate limits (a
     * sustained run of them must pause every call, not just those of the scopes known to be limited).
     * A call not made because its scope is known to be limited does not count: GitHub saw nothing.
     */
    private static boolean meansGitHubIsDown(Throwable failure) {
        if (failure instanceof GitHubException g) {
            return g.error() == GitHubError.UNAVAILABLE
                    || g.error() == GitHubError.RATE_LIMITED && g.status() != NOT_CALLED;
        }
        return isNetworkFailure(failure);
    }

    static boolean isNetworkFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof IOException
                    || t instanceof TimeoutException
                    || t instanceof io.vertx.core.VertxException
                    || t.getClass().getName().startsWith("io.netty.channel")) {
                return true;
            }
        }
        return false;
    }

    /** Exponential backoff with equal jitter; a rate limit's own wait takes precedence. */
    static final class Backoff implements CustomBackoffStrategy {
        private final GitHubConfig.Retry retry;
        private final java.util.function.Function<GitHubException, java.time.Duration> rateLimitWait;
        private int attempt;

        Backoff(
                GitHubConfig.Retry retry,
                java.util.function.Function<GitHubException, java.time.Duration> rateLimitWait) {
            this.retry = retry;
            this.rateLimitWait = rateLimitWait;
        }

        @Override
        public long nextDelayInMillis(Throwable cause) {
            if (cause instanceof GitHubException g && g.error() == GitHubError.RATE_LIMITED) {
                return rateLimitWait.apply(g).toMillis();
            }
            if (cause instanceof GitHubException g && g.retryAfter().isPresent()) {
                return g.retryAfter().get().toMillis();
            }
            return dev.para.dispatch.work.Backoff.jittered(retry.initialDelay(), attempt++, retry.maxDelay())
                    .toMillis();
        }
    }
}
