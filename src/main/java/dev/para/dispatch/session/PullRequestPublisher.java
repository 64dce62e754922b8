package dev.para.dispatch.session;

import dev.para.dispatch.Background;
import dev.para.dispatch.Redactor;
import dev.para.dispatch.RuntimeConfig;
import dev.para.dispatch.github.GitHubClient;
import dev.para.dispatch.github.InstallationTokenService;
import dev.para.dispatch.github.TokenNarrowing;
import dev.para.dispatch.github.model.NewPullRequest;
import dev.para.dispatch.github.model.PullRequest;
import dev.para.dispatch.work.LeasedWork;
import dev.para.dispatch.work.LeasedWorkRunner;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Opens a pull request for every instance that pushed, with the service's own token (pods never
 * hold {@code pull_requests}). An instance is claimed first, and GitHub is asked for an open PR
 * of that branch before one is created, so neither two replicas nor a retry after a crash ever
 * open two. The issue of the session sees its PRs in the session's tracking comment.
 *
 * <p>The claim, lease and retry are {@link LeasedWorkRunner}'s; over 300 lines because
 * look-up-before-create and the PR body are one exactly-once sequence.
 */
@ApplicationScoped
public class PullRequestPublisher implements LeasedWork<PullRequestPublisher.Claimed> {

    private static final Duration LEASE = Duration.ofMinutes(2);
    private static final Duration RETRY = Duration.ofSeconds(30);

    private final GitHubClient github;
    private final InstallationTokenService tokens;
    private final SessionTransitions transitions;
    private final SessionConfig config;
    private final RuntimeConfig runtime;
    private final SessionRepository sessions;
    private final Clock clock;
    private final LeasedWorkRunner runner;

    PullRequestPublisher(
            GitHubClient github,
            InstallationTokenService tokens,
            SessionTransitions transitions,
            SessionConfig config,
            RuntimeConfig runtime,
            SessionRepository sessions,
            Clock clock,
            LeasedWorkRunner runner) {
        this.github = github;
        this.tokens = tokens;
        this.transitions = transitions;
        this.config = config;
        this.runtime = runtime;
        this.sessions = sessions;
        this.clock = clock;
        this.runner = runner;
    }

    /** Publishes in the background; the sweep retries whatever fails. */
    public void publishSoon(UUID sessionId, int index) {
        Background.run(
                "Opening the PR of session " + sessionId + " instance " + index, () -> publish(sessionId, index));
    }

    /**
     * Claims the instance and opens (or finds) its PR; false when there is nothing to do, another
     * replica holds it, or it failed (it is then left for the sweep's retry).
     */
    public Uni<Boolean> publish(UUID sessionId, int index) {
        Instant now = clock.instant();
        return claim(sessionId, index, 1, now, now.plus(LEASE))
                .flatMap(claimed -> claimed.isEmpty()
                        ? Uni.createFrom().item(false)
                        : runner.runClaimed(this, claimed).map(done -> done > 0));
    }

    @Scheduled(
            every = "${para.sessions.publish.sweep-interval}",
            delayed = "10s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sweep() {
        return runner.runOnce(this, 20).replaceWithVoid();
    }

    /** An instance whose PR this replica opens. */
    record Claimed(UUID sessionId, int index) {}

    @Override
    public String kind() {
        return "pull-request-publish";
    }

    @Override
    public Duration lease() {
        return LEASE;
    }

    @Override
    public Duration retryAfter() {
        return RETRY;
    }

    @Override
    public String describe(Claimed c) {
        return "session " + c.sessionId() + " instance " + c.index();
    }

    @Override
    public Uni<List<Claimed>> claim(Instant now, Instant leaseUntil, int limit) {
        return claim(null, 0, limit, now, leaseUntil);
    }

    @Override
    public Uni<Void> process(Claimed c) {
        return open(c);
    }

    @Override
    public Uni<Void> release(Claimed c, Instant retryAt, Throwable failure) {
        return sessions.leasePublish(c.sessionId(), c.index(), retryAt);
    }

    private Uni<List<Claimed>> claim(UUID sessionId, int index, int limit, Instant now, Instant leaseUntil) {
        return sessions.claimUnpublished(sessionId, index, limit, now, leaseUntil);
    }

    private Uni<Void> open(Claimed c) {
        return Panache.withSession(() -> Session.<Session>findById(c.sessionId())
                        .flatMap(s ->
                                SessionInstance.forSession(s.id).map(instances -> new Work(s, instances, c.index()))))
                .flatMap(work ->
                        runtime.dryRun() ? dryRun(work) : openAtGitHub(work).flatMap(pr -> recorded(work, pr)));
    }

    record Work(Session session, List<SessionInstance> instances, int index) {
        SessionInstance instance() {
            return instances.stream().filter(i -> i.index == index).findFirst().orElseThrow();
        }
    }

    private Uni<PullRequest> openAtGitHub(Work w) {
        Session s = w.session();
        SessionInstance i = w.instance();
        return tokens.withToken(
                s.installationId,
                serviceNarrowing(s),
                token -> github.openPullRequestsFor(token, s.owner(), s.repositoryName(), i.branch)
                        .flatMap(open -> open.isEmpty()
                                ? github.createPullRequest(
                                        token,
                                        s.owner(),
                                        s.repositoryName(),
                                        new NewPullRequest(title(w), i.branch, s.prBase, body(w), s.instanceCount > 1))
                                : Uni.createFrom().item(open.get(0))));
    }

    private Uni<Void> recorded(Work w, PullRequest pr) {
        return Panache.withTransaction(() -> Session.lock(w.session().id)
                .flatMap(s -> SessionInstance.forSession(s.id).flatMap(instances -> {
                    SessionInstance i = instances.stream()
                            .filter(x -> x.index == w.index())
                            .findFirst()
                            .orElseThrow();
                    i.prNumber = pr.number();
                    i.prUrl = pr.htmlUrl();
                    i.publishClaimedUntil = null;
                    // the note makes the session's tracking comment due: the issue sees the PR there
                    return transitions.note(
                            s,
                            i.index,
                            "PULL_REQUEST",
                            pr.htmlUrl(),
                            Map.of("number", pr.number(), "url", pr.htmlUrl(), "draft", pr.draft()));
                })));
    }

    private static TokenNarrowing serviceNarrowing(Session s) {
        return TokenNarrowing.repository(s.repositoryName(), TokenNarrowing.SERVICE_PERMISSIONS);
    }

    private Uni<Void> dryRun(Work w) {
        Log.infof(
                "[dry-run] would open a %sPR from %s into %s of %s",
                w.session().instanceCount > 1 ? "draft " : "",
                w.instance().branch,
                w.session().prBase,
                w.session().repository);
        Claimed claimed = new Claimed(w.session().id, w.index());
        return release(claimed, clock.instant().plus(RETRY), null);
    }

    /** The PR's title: the prompt's first line, secrets redacted. */
    String title(Work w) {
        Session s = w.session();
        String first = Redactor.redact(s.prompt).strip().lines().findFirst().orElse("agent changes");
        if (first.length() > 60) {
            first = first.substring(0, 60) + "…";
        }
        return "para: " + first + (s.instanceCount > 1 ? " (" + w.index() + "/" + s.instanceCount + ")" : "");
    }

    /** The PR's body: the session, the prompt's first lines (secrets redacted), the agent's figures, siblings. */
    String body(Work w) {
        Session s = w.session();
        String prompt = Redactor.redact(s.prompt).strip();
        StringBuilder body = new StringBuilder();
        body.append("Opened by para-dispatch for session `")
                .append(s.slug)
                .append("` (")
                .append(s.id)
                .append(")");
        if (s.instanceCount > 1) {
            body.append(", instance ").append(w.index()).append(" of ").append(s.instanceCount);
        }
        body.append(".\n\n**Prompt**");
        if (s.promptFile != null) {
            body.append(" (from `").append(s.promptFile).append("`)");
        }
        body.append(":\n\n");
        prompt.lines()
                .limit(config.publish().promptLines())
                .forEach(line -> body.append("> ").append(line).append('\n'));
        if (prompt.lines().count() > config.publish().promptLines()) {
            body.append("> …\n");
        }
        SessionInstance i = w.instance();
        if (i.turns != null || i.costUsd != null) {
            body.append("\nAgent: ")
                    .append(i.turns != null ? i.turns + " turns" : "")
                    .append(i.turns != null && i.costUsd != null ? ", " : "")
                    .append(
                            i.costUsd != null
                                    ? "$" + i.costUsd.stripTrailingZeros().toPlainString()
                                    : "")
                    .append('\n');
        }
        List<SessionInstance> siblings =
                w.instances().stream().filter(x -> x.index != w.index()).toList();
        if (!siblings.isEmpty()) {
            body.append("\nSibling branches of this session:\n");
            siblings.forEach(x -> body.append("- `")
                    .append(x.branch)
                    .append("`")
                    .append(x.prUrl != null ? " " + x.prUrl : "")
                    .append('\n'));
        }
        runtime.publicUrl()
                .ifPresent(url -> body.append("\nSession: ")
                        .append(url.toString().replaceAll("/+$", ""))
                        .append("/api/v1/sessions/")
                        .append(s.id)
                        .append('\n'));
        return body.toString();
    }
}
