package dev.para.dispatch.session;

import dev.para.dispatch.Background;
import dev.para.dispatch.Contexts;
import dev.para.dispatch.LogFields;
import dev.para.dispatch.Redactor;
import dev.para.dispatch.Retryable;
import dev.para.dispatch.RuntimeConfig;
import dev.para.dispatch.agent.AgentCredentialRefused;
import dev.para.dispatch.agent.AgentPreflight;
import dev.para.dispatch.api.ProblemException;
import dev.para.dispatch.crypto.Sealer;
import dev.para.dispatch.github.GitHubConfig;
import dev.para.dispatch.github.GitHubError;
import dev.para.dispatch.github.GitHubException;
import dev.para.dispatch.github.InstallationToken;
import dev.para.dispatch.github.InstallationTokenService;
import dev.para.dispatch.github.TokenNarrowing;
import dev.para.dispatch.kubernetes.PullSecret;
import dev.para.dispatch.kubernetes.SessionJobBuilder;
import dev.para.dispatch.kubernetes.SessionLaunch;
import dev.para.dispatch.kubernetes.SessionRuntime;
import dev.para.dispatch.kubernetes.SessionRuntimeException;
import dev.para.dispatch.registry.AgentImageService;
import dev.para.dispatch.registry.LaunchImage;
import dev.para.dispatch.registry.RegistryException;
import dev.para.dispatch.session.SessionRepository.Claim;
import dev.para.dispatch.work.Backoff;
import dev.para.dispatch.work.LeasedWork;
import dev.para.dispatch.work.LeasedWorkRunner;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * Starts queued sessions: claims them (so that of several replicas exactly one works on each),
 * mints the session's own narrowed token, creates its Job and Secret, and records it RUNNING. It
 * runs at once after a create and from a sweep that heals crashes and outages: the Job's name is
 * the session's, so a launch retried after a crash finds the Job the first try made.
 *
 * <p>The claim, lease and sweep are {@link LeasedWorkRunner}'s; a failed launch backs off by its
 * attempts, or waits out a GitHub rate limit without counting it. Over 300 lines: launching,
 * stopping and token release share the claim and the token handling.
 */
@ApplicationScoped
public class SessionLauncher implements LeasedWork<Claim> {

    static final String TOKEN_PURPOSE = "session-token";

    private final SessionRuntime runtime;
    private final InstallationTokenService tokens;
    private final SessionTransitions transitions;
    private final Sealer sealer;
    private final Pool pool;
    private final SessionConfig config;
    private final GitHubConfig github;
    private final RuntimeConfig runtimeConfig;
    private final Clock clock;
    private final SessionMetrics metrics;
    private final AgentImageService agentImages;
    private final AgentPreflight preflight;
    private final SessionRepository repository;
    private final LeasedWorkRunner runner;

    SessionLauncher(
            SessionRuntime runtime,
            InstallationTokenService tokens,
            SessionTransitions transitions,
            Sealer sealer,
            Pool pool,
            SessionConfig config,
            GitHubConfig github,
            RuntimeConfig runtimeConfig,
            Clock clock,
            SessionMetrics metrics,
            AgentImageService agentImages,
            SessionRepository repository,
            LeasedWorkRunner runner,
            AgentPreflight preflight) {
        this.agentImages = agentImages;
        this.preflight = preflight;
        this.repository = repository;
        this.runner = runner;
        this.runtime = runtime;
        this.tokens = tokens;
        this.transitions = transitions;
        this.sealer = sealer;
        this.pool = pool;
        this.config = config;
        this.github = github;
        this.runtimeConfig = runtimeConfig;
        this.clock = clock;
        this.metrics = metrics;
    }

    /** Launches the session now, in the background; the sweep catches whatever this misses. */
    public void launchSoon(UUID sessionId) {
        Background.run("Launch of session " + sessionId, () -> launch(sessionId));
    }

    /** Claims and launches one session; false when another launcher holds it or it is not queued. */
    public Uni<Boolean> launch(UUID sessionId) {
        return claim(sessionId, 1)
                .flatMap(claimed -> claimed.isEmpty()
                        ? Uni.createFrom().item(false)
                        : runner.runClaimed(this, claimed).replaceWith(true));
    }

    @Scheduled(
            every = "${para.sessions.launch.sweep-interval}",
            delayed = "3s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sweep() {
        return runner.runOnce(this, config.launch().batchSize())
                .flatMap(ignored -> stopPending())
                .onFailure()
                .invoke(e -> Log.warnf("Launch sweep failed: %s", Redactor.describe(e)))
                .onFailure()
                .recoverWithNull()
                .replaceWithVoid();
    }

    /**
     * Stops a cancelled session: deletes its Job (and pods and Secret) and revokes its token once
     * the stopping pods have had their time to push what the agents left. When
     * Kubernetes or GitHub is away the session stays marked and the sweep tries again.
     */
    public Uni<Void> stop(UUID sessionId) {
        return VertxContextSupport.executeBlocking(() -> {
                    runtime.stop(sessionId);
                    return true;
                })
                .flatMap(ignored ->
                        Panache.withTransaction(() -> Session.lock(sessionId).invoke(s -> s.stopPending = false)))
                .invoke(() -> releaseTokenAfter(sessionId, runtime.stopGrace()))
                .onFailure()
                .invoke(e -> {
                    try (LogFields ignored = LogFields.session(sessionId)) {
                        Log.warnf(
                                "Stopping session %s failed (%s); the sweep retries", sessionId, Redactor.describe(e));
                    }
                })
                .onFailure()
                .recoverWithNull()
                .replaceWithVoid();
    }

    /**
     * Deletes the Secrets of a session that has ended and revokes its token, in the background:
     * its pods need them no more. Best effort: a token that could not be revoked expires within
     * the hour, and the Secrets go with the Job at its TTL.
     */
    public void releaseTokenSoon(UUID sessionId) {
        Background.run(
                "Deleting the Secrets of ended session " + sessionId,
                () -> VertxContextSupport.executeBlocking(() -> {
                    runtime.deleteSecrets(sessionId);
                    return true;
                }));
        releaseTokenAfter(sessionId, Duration.ZERO);
    }

    private void releaseTokenAfter(UUID sessionId, Duration delay) {
        Background.run(
                "Revoking the token of ended session " + sessionId,
                () -> (delay.isZero()
                                ? Uni.createFrom().voidItem()
                                : Uni.createFrom().voidItem().onItem().delayIt().by(delay))
                        .flatMap(ignored -> Panache.withTransaction(
                                () -> Session.lock(sessionId).flatMap(this::revokeToken))));
    }

    /** Revokes the session's token at GitHub and forgets it. */
    private Uni<Void> revokeToken(Session s) {
        String sealed = s.sealedToken;
        s.sealedToken = null;
        return sealed == null
                ? Uni.createFrom().voidItem()
                : tokens.revokeToken(
                        s.installationId, sealer.open(sealed, TOKEN_PURPOSE, tokenBinding(s.id, s.accountId)));
    }

    private Uni<Void> stopPending() {
        return Panache.withSession(() -> Session.<Session>list("stopPending = true"))
                .flatMap(sessions -> Multi.createFrom()
                        .iterable(sessions)
                        .onItem()
                        .transformToUniAndConcatenate(s -> stop(s.id))
                        .collect()
                        .last())
                .replaceWithVoid();
    }

    /** A claimed session: what launching it needs, read by the claim itself (no second query). */
    private Uni<List<Claim>> claim(UUID sessionId, int limit) {
        Instant now = clock.instant();
        return repository.claimQueued(
                sessionId, limit, now, now.plus(config.launch().claimLease()));
    }

    @Override
    public String kind() {
        return "session-launch";
    }

    @Override
    public Duration lease() {
        return config.launch().claimLease();
    }

    @Override
    public Duration retryAfter() {
        return config.launch().retryDelay();
    }

    @Override
    public String describe(Claim claim) {
        return "session " + claim.sessionId() + " (attempt " + claim.attempts() + ")";
    }

    @Override
    public Uni<List<Claim>> claim(Instant now, Instant leaseUntil, int limit) {
        return repository.claimQueued(null, limit, now, leaseUntil);
    }

    @Override
    public Uni<Void> process(Claim claim) {
        return start(claim.session());
    }

    @Override
    public Uni<Void> release(Claim claim, Instant retryAt, Throwable failure) {
        return launchFailed(claim, failure);
    }

    /**
     * Checks the image (cached), then mints the token while the Job is being made: the two do not
     * wait for each other.
     */
    private Uni<Void> start(Session s) {
        boolean pulledByCluster = runtimeConfig.sessionRuntime() == RuntimeConfig.SessionRuntimeKind.KUBERNETES
                && !runtimeConfig.dryRun();
        return agentImages
                .forLaunch(s.accountId, s.agentImageName, s.agentImage, pulledByCluster)
                .call(image ->
                        runtimeConfig.dryRun() ? Uni.createFrom().voidItem() : preflight.check(image.agentFiles()))
                .flatMap(image -> start(s, image));
    }

    private Uni<Void> start(Session s, LaunchImage image) {
        if (runtimeConfig.dryRun()) {
            // Nothing runs, so nothing needs a token: dry run mints none (and so revokes none).
            return VertxContextSupport.executeBlocking(() -> new Launched(
                            runtime.launch(launchOf(s, image), CompletableFuture.completedFuture("")),
                            clock.instant(),
                            false))
                    .flatMap(launched -> launched(s.id, launched, null));
        }
        CompletableFuture<InstallationToken> token = tokens.mintDedicated(
                        s.installationId,
                        TokenNarrowing.repository(s.repositoryName(), TokenNarrowing.SESSION_PERMISSIONS))
                .subscribeAsCompletionStage();
        Uni<InstallationToken> minted = Contexts.onCallersContext(token);
        SessionLaunch launch = launchOf(s, image);
        return VertxContextSupport.executeBlocking(() -> {
                    String jobName = runtime.launch(launch, token.thenApply(InstallationToken::token));
                    return new Launched(jobName, clock.instant(), SessionJobBuilder.startsOneFirst(launch));
                })
                // The token is awaited, never joined: this continues on the event loop.
                .onFailure()
                .call(() -> minted.onFailure()
                        .recoverWithNull()
                        .flatMap(t -> t == null
                                ? Uni.createFrom().voidItem()
                                : tokens.revokeToken(t.installationId(), t.token())
                                        .onFailure()
                                        .recoverWithNull()))
                .flatMap(launched -> minted.flatMap(t -> launched(s.id, launched, t)));
    }

    /**
     * The session's Job, when it and its Secret were in place, and whether it starts one instance
     * first (the others wait for that one's agent login to be let in).
     */
    private record Launched(String jobName, Instant at, boolean oneFirst) {}

    /** Why an instance of a session that starts one first has not started yet. */
    static final String WAITS_FOR_FIRST = "waits for instance 1's agent to be let in (the image's own login)";

    /** Where a session's sealed token lives: the session's row, of its account. */
    static Sealer.Binding tokenBinding(UUID sessionId, String accountId) {
        return new Sealer.Binding(sessionId.toString(), accountId);
    }

    /** Records the launch; {@code token} is null in dry run, where none was minted. */
    private Uni<Void> launched(UUID sessionId, Launched launched, InstallationToken token) {
        return Panache.withTransaction(() -> Session.lock(sessionId).flatMap(s -> {
                    s.jobName = launched.jobName();
                    if (token != null) {
                        s.sealedToken = sealer.seal(token.token(), TOKEN_PURPOSE, tokenBinding(s.id, s.accountId));
                        s.tokenExpiresAt = token.expiresAt();
                    }
                    s.launchClaimedUntil = null;
                    if (s.state.isTerminal()) {
                        // Cancelled while the Job was being made: stop what was just created.
                        s.stopPending = true;
                        return Uni.createFrom().item(false);
                    }
                    s.launchedAt = launched.at();
                    metrics.launched(Duration.between(s.createdAt, s.launchedAt));
                    return transitions
                            .session(s, SessionState.RUNNING, null)
                            .flatMap(ignored -> SessionInstance.forSession(s.id))
                            .call(instances -> Multi.createFrom()
                                    .iterable(instances)
                                    .onItem()
                                    .transformToUniAndConcatenate(i -> transitions.instance(
                                            s,
                                            i,
                                            InstanceState.PENDING,
                                            launched.oneFirst() && i.index > 1 ? WAITS_FOR_FIRST : null,
                                            null))
                                    .collect()
                                    .last())
                            .call(instances -> runtimeConfig.dryRun()
                                    ? dryRunEnd(s, instances)
                                    : Uni.createFrom().voidItem())
                            .replaceWith(true);
                }))
                .flatMap(running -> running ? Uni.createFrom().voidItem() : stop(sessionId));
    }

    /** In dry run nothing runs: the instances end at once, having pushed nothing. */
    private Uni<Void> dryRunEnd(Session s, List<SessionInstance> instances) {
        return Multi.createFrom()
                .iterable(instances)
                .onItem()
                .transformToUniAndConcatenate(i -> {
                    i.pushed = false;
                    return transitions.instance(s, i, InstanceState.SUCCEEDED, "dry run: nothing was created", null);
                })
                .collect()
                .last()
                .flatMap(ignored -> transitions.settle(s, instances))
                .replaceWithVoid();
    }

    /**
     * A transient failure waits (backing off) for the next sweep; anything else fails the session. A
     * GitHub rate limit is not the session's failure: it waits until the limit resets, and the
     * attempt does not count.
     */
    private Uni<Void> launchFailed(Claim claim, Throwable e) {
        Optional<Duration> rateLimit = e instanceof GitHubException g && g.error() == GitHubError.RATE_LIMITED
                ? Optional.of(g.retryAfter().orElse(github.retry().secondaryLimitWait()))
                : Optional.empty();
        boolean retry = rateLimit.isPresent()
                || Retryable.mayPassLater(e)
                        && claim.attempts() < config.launch().maxAttempts();
        String reason = reasonOf(e);
        metrics.launchFailed(
                rateLimit.isPresent()
                        ? SessionMetrics.LaunchFailure.RATE_LIMITED
                        : retry ? SessionMetrics.LaunchFailure.RETRIED : SessionMetrics.LaunchFailure.FAILED);
        try (LogFields ignored = LogFields.session(claim.sessionId())) {
            Log.infof(
                    "Launch of session %s failed (attempt %d): %s%s",
                    claim.sessionId(),
                    claim.attempts(),
                    reason,
                    rateLimit
                            .map(wait -> "; waiting " + wait.toSeconds() + " s for GitHub's rate limit, not counted")
                            .orElse(retry ? "; retrying" : ""));
        }
        return Panache.withTransaction(() -> Session.lock(claim.sessionId()).flatMap(s -> {
            if (s.state != SessionState.QUEUED) {
                return Uni.createFrom().voidItem(); // cancelled meanwhile
            }
            if (rateLimit.isPresent()) {
                s.launchAttempts = Math.max(0, s.launchAttempts - 1);
                s.launchClaimedUntil = clock.instant().plus(rateLimit.get());
                return Uni.createFrom().voidItem();
            }
            if (retry) {
                s.launchClaimedUntil = clock.instant()
                        .plus(Backoff.jittered(
                                config.launch().retryDelay(),
                                claim.attempts() - 1,
                                config.launch().claimLease()));
                return Uni.createFrom().voidItem();
            }
            return SessionInstance.forSession(s.id)
                    .call(instances -> transitions.instances(s, instances, InstanceState.FAILED, reason))
                    .call(instances -> transitions.session(s, SessionState.FAILED, reason))
                    .invoke(() -> s.stopPending = true) // a Job may have been made before the failure
                    .replaceWithVoid();
        }));
    }

    private SessionLaunch launchOf(Session s, LaunchImage image) {
        String web = config.gitUrl().orElse(github.webUrl()).toString().replaceAll("/+$", "");
        return new SessionLaunch(
                s.id,
                s.slug,
                s.repository,
                web + "/" + s.repository + ".git",
                s.sourceBranch,
                s.branchBase,
                s.instanceCount,
                s.agentImage,
                s.timeoutMinutes,
                s.maxTurns,
                s.model,
                s.budgetUsd,
                config.git().name(),
                config.git().email(),
                s.prompt,
                image.agentFiles(),
                image.pull()
                        .map(p -> new PullSecret(
                                p.registry(),
                                p.credential().username(),
                                p.credential().password()))
                        .orElse(null),
                image.agent(),
                clock.instant());
    }

    private static String reasonOf(Throwable e) {
        if (e instanceof GitHubException g) {
            return "could not mint the session's token: " + g.error().name().toLowerCase(java.util.Locale.ROOT);
        }
        if (e instanceof SessionRuntimeException r) {
            return r.getMessage();
        }
        if (e instanceof RegistryException r) {
            return "the agent image cannot be pulled: " + r.getMessage();
        }
        if (e instanceof ProblemException p) {
            return p.getMessage();
        }
        if (e instanceof AgentCredentialRefused refused) {
            return refused.getMessage();
        }
        return "launch failed: " + Redactor.describe(e);
    }
}
