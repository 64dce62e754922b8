package dev.para.dispatch.session;

import dev.para.dispatch.RuntimeConfig;
import dev.para.dispatch.github.GitHubClient;
import dev.para.dispatch.github.GitHubException;
import dev.para.dispatch.github.InstallationToken;
import dev.para.dispatch.github.InstallationTokenService;
import dev.para.dispatch.github.RepositoryName;
import dev.para.dispatch.github.TokenNarrowing;
import dev.para.dispatch.github.model.IssueComment;
import dev.para.dispatch.work.LeasedWork;
import dev.para.dispatch.work.LeasedWorkRunner;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Keeps each session's one tracking comment on its issue current. A session is due when it
 * changes; a replica claims it (a lease in PostgreSQL: one writer at a time), and at most once per
 * {@code para.sessions.tracking.min-edit-gap} renders it and edits the comment, so the changes in
 * between are edited in together. The first time it posts the comment, unless one with the
 * session's marker is there already (a replica that died after posting): never two per session.
 */
@ApplicationScoped
public class TrackingComments implements LeasedWork<SessionRepository.TrackingDue> {

    /** Changes this close before a render may have been committed after it: they make the comment due again. */
    private static final Duration IN_FLIGHT = Duration.ofSeconds(2);

    private final SessionRepository sessions;
    private final GitHubClient github;
    private final InstallationTokenService tokens;
    private final SessionConfig config;
    private final RuntimeConfig runtime;
    private final Clock clock;
    private final LeasedWorkRunner runner;

    TrackingComments(
            SessionRepository sessions,
            GitHubClient github,
            InstallationTokenService tokens,
            SessionConfig config,
            RuntimeConfig runtime,
            Clock clock,
            LeasedWorkRunner runner) {
        this.sessions = sessions;
        this.github = github;
        this.tokens = tokens;
        this.config = config;
        this.runtime = runtime;
        this.clock = clock;
        this.runner = runner;
    }

    @Scheduled(
            every = "${para.sessions.tracking.interval}",
            delayed = "3s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sweep() {
        return runner.runOnce(this, 20).replaceWithVoid();
    }

    @Override
    public String kind() {
        return "tracking-comment";
    }

    @Override
    public Duration lease() {
        return Duration.ofMinutes(1);
    }

    @Override
    public Duration retryAfter() {
        return Duration.ofSeconds(15);
    }

    @Override
    public String describe(SessionRepository.TrackingDue due) {
        return "session " + due.sessionId();
    }

    @Override
    public Uni<List<SessionRepository.TrackingDue>> claim(Instant now, Instant leaseUntil, int limit) {
        return sessions.claimTrackingDue(now, now.minus(config.tracking().minEditGap()), leaseUntil, limit);
    }

    @Override
    public Uni<Void> process(SessionRepository.TrackingDue due) {
        Instant asOf = clock.instant().minus(IN_FLIGHT);
        return sessions.get(due.accountId(), due.sessionId())
                .map(view -> TrackingComment.render(
                        view,
                        TrackingComment.apiUrl(runtime.publicUrl(), view.id()),
                        config.comments().handle(),
                        clock.instant()))
                .flatMap(body -> write(due, body))
                .flatMap(commentId -> sessions.trackingWritten(due.sessionId(), commentId, clock.instant(), asOf));
    }

    @Override
    public Uni<Void> release(SessionRepository.TrackingDue due, Instant retryAt, Throwable failure) {
        return sessions.leaseTracking(due.sessionId(), retryAt);
    }

    /** Posts or edits the comment; its id. */
    private Uni<Long> write(SessionRepository.TrackingDue due, String body) {
        if (runtime.dryRun()) {
            Log.infof(
                    "[dry-run] would write the tracking comment of session %s on %s#%d",
                    due.sessionId(), due.repository(), due.issue());
            return Uni.createFrom().item(due.commentId() != null ? due.commentId() : 0L);
        }
        RepositoryName repository = RepositoryName.of(due.repository());
        return tokens.withToken(
                due.installationId(),
                TokenNarrowing.repository(repository.name(), TokenNarrowing.SERVICE_PERMISSIONS),
                token -> (due.commentId() != null
                                ? Uni.createFrom().item(Optional.of(due.commentId()))
                                : posted(token, repository, due))
                        .flatMap(known -> known.isPresent()
                                ? edit(token, repository, due, known.get(), body)
                                : post(token, repository, due, body)));
    }

    /** A comment with the session's marker, posted by an earlier attempt that did not live to record it. */
    private Uni<Optional<Long>> posted(
            InstallationToken token, RepositoryName repository, SessionRepository.TrackingDue due) {
        String marker = TrackingComment.marker(due.sessionId());
        return github.issueCommentsSince(token, repository.owner(), repository.name(), due.issue(), due.createdAt())
                .map(comments -> comments.stream()
                        .filter(c -> c.body() != null && c.body().startsWith(marker))
                        .map(IssueComment::id)
                        .findFirst())
                // an issue GitHub cannot list comments of has none of ours: posting says what is wrong
                .onFailure(e -> e instanceof GitHubException g && g.status() == 404)
                .recoverWithItem(Optional.empty());
    }

    private Uni<Long> post(
            InstallationToken token, RepositoryName repository, SessionRepository.TrackingDue due, String body) {
        return github.commentOnIssue(token, repository.owner(), repository.name(), due.issue(), body)
                .map(IssueComment::id);
    }

    /** Edits the comment; one a person deleted is posted again. */
    private Uni<Long> edit(
            InstallationToken token,
            RepositoryName repository,
            SessionRepository.TrackingDue due,
            long id,
            String body) {
        return github.updateIssueComment(token, repository.owner(), repository.name(), id, body)
                .replaceWith(id)
                .onFailure(e -> e instanceof GitHubException g && g.status() == 404)
                .recoverWithUni(() -> post(token, repository, due, body));
    }
}
