package dev.para.dispatch.session;

import dev.para.dispatch.api.ProblemException;
import dev.para.dispatch.api.ProblemType;
import dev.para.dispatch.audit.AuditLog;
import dev.para.dispatch.identity.GitHubIdentities;
import dev.para.dispatch.installation.Installation;
import dev.para.dispatch.session.SessionPlan.Trigger;
import dev.para.dispatch.session.SessionWriter.Created;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What callers do with sessions: create one (checked by {@link SessionPlanner}, written once by
 * {@link SessionWriter}), read them back ({@link SessionRepository} for the hot reads), cancel and
 * recover. Launching is the launcher's.
 */
@ApplicationScoped
public class SessionService {

    private final SessionPlanner planner;
    private final SessionWriter writer;
    private final SessionRepository repository;
    private final SessionConfig config;
    private final SessionTransitions transitions;
    private final SessionLauncher launcher;
    private final AuditLog audit;
    private final GitHubIdentities identities;
    private final SessionPicker picker;

    SessionService(
            SessionPlanner planner,
            SessionWriter writer,
            SessionRepository repository,
            SessionConfig config,
            SessionTransitions transitions,
            SessionLauncher launcher,
            AuditLog audit,
            GitHubIdentities identities,
            SessionPicker picker) {
        this.planner = planner;
        this.writer = writer;
        this.repository = repository;
        this.config = config;
        this.transitions = transitions;
        this.launcher = launcher;
        this.audit = audit;
        this.identities = identities;
        this.picker = picker;
    }

    /**
     * Creates a session: checks everything first (nothing is written for a bad request), then
     * writes it and its instances as QUEUED in one transaction and asks the launcher to start it.
     * The session acts for the account's linked GitHub user, who must be able to push.
     */
    public Uni<Created> create(String accountId, String actor, CreateSessionRequest request, String idempotencyKey) {
        planner.validate(request);
        String hash = writer.hash(request);
        return writer.createOnce(
                accountId,
                idempotencyKey,
                request,
                () -> identities
                        .required(accountId)
                        .flatMap(identity -> planner.plan(
                                accountId,
                                actor,
                                request,
                                idempotencyKey,
                                hash,
                                identity.login(),
                                true,
                                request.issue() != null ? new Trigger(request.issue(), null) : Trigger.NONE)));
    }

    /**
     * Starts a session for a comment on an issue: the installation's account owns it, and the
     * commenter (already checked for write access) is its actor and the user it acts for.
     */
    public Uni<Created> createForComment(
            Installation installation,
            String actor,
            String repository,
            String prompt,
            CommentCommand.Start asked,
            int issue,
            long commentId) {
        CreateSessionRequest request = new CreateSessionRequest(
                repository,
                prompt,
                null,
                asked.instances() != null
                        ? asked.instances()
                        : config.comments().instances(),
                "issue-" + issue,
                null,
                null,
                null,
                null,
                asked.maxTurns(),
                asked.model(),
                asked.budgetUsd(),
                null);
        String key = "comment-" + commentId;
        String hash = writer.hash(request);
        return Uni.createFrom()
                .voidItem()
                .invoke(() -> planner.validate(request))
                .flatMap(valid -> writer.createOnce(
                        installation.accountId,
                        key,
                        request,
                        () -> planner.plan(
                                installation.accountId,
                                actor,
                                request,
                                key,
                                hash,
                                actor,
                                false,
                                new Trigger(issue, commentId))));
    }

    /** The account's session with its instances (the API's hottest read: one query, no ORM). */
    public Uni<SessionView> get(String accountId, UUID id) {
        return repository.get(accountId, id);
    }

    /** A session of a page, with its sequence number for the cursor. */
    public record Paged(long seq, SessionView view) {}

    /** A page of the account's sessions, newest first, each with its instances. */
    @WithSession
    public Uni<List<Paged>> seqPage(
            String accountId, long beforeSeq, Collection<SessionState> states, String repository, int limit) {
        return Session.pageForAccount(accountId, beforeSeq, states, repository, limit)
                .flatMap(sessions -> SessionInstance.forSessions(
                                sessions.stream().map(s -> s.id).toList())
                        .map(instances -> sessions.stream()
                                .map(s -> new Paged(
                                        s.seq,
                                        SessionView.of(
                                                s,
                                                instances.stream()
                                                        .filter(i -> i.sessionId.equals(s.id))
                                                        .toList())))
                                .toList()));
    }

    /**
     * For streaming answers, whose status must be decided before they start: fails with a 404 when
     * the account has no such session. Blocking; call on a worker thread.
     */
    public void requireSessionBlocking(String accountId, UUID id) {
        repository.podOrNullBlocking(accountId, id, 0);
    }

    /** The pod of an instance of the account's session, for its log; 404 when there is none (yet). Blocking. */
    public String podOfBlocking(String accountId, UUID id, int index) {
        String pod = repository.podOrNullBlocking(accountId, id, index);
        if (pod == null) {
            throw new ProblemException(
                    ProblemType.NO_POD_YET, "Instance " + index + " has no pod yet; try again when it is running");
        }
        return pod;
    }

    /**
     * Cancels the session: marks it and its unfinished instances CANCELLED, then stops its pods and
     * revokes its token (retried by the launcher's sweep if Kubernetes or GitHub is away).
     */
    public Uni<SessionView> cancel(String accountId, String actor, UUID id) {
        return Panache.withTransaction(() -> Session.lockForAccount(accountId, id)
                        .onItem()
                        .ifNull()
                        .failWith(() -> ProblemException.notFound("Session " + id))
                        .flatMap(s -> s.state.isTerminal()
                                ? Uni.createFrom().item(false)
                                : markCancelled(s, actor).replaceWith(true)))
                .call(cancelled ->
                        cancelled ? launcher.stop(id) : Uni.createFrom().voidItem())
                .flatMap(ignored -> get(accountId, id));
    }

    private Uni<Void> markCancelled(Session s, String actor) {
        return SessionInstance.forSession(s.id)
                .call(instances ->
                        transitions.instances(s, instances, InstanceState.CANCELLED, "cancelled by " + actor))
                .call(instances -> transitions.session(s, SessionState.CANCELLED, "cancelled by " + actor))
                .invoke(() -> s.stopPending = true)
                .call(() -> audit.record(
                        s.accountId, actor, "session.cancelled", SessionWriter.OBJECT_TYPE, s.id.toString(), Map.of()))
                .replaceWithVoid();
    }

    /** Cancels the sessions a comment thread started (the {@code stop} command). */
    public Uni<List<UUID>> cancelForIssue(String repository, int issue, String actor) {
        return Panache.withSession(() -> Session.activeForIssue(repository, issue))
                // One at a time: Hibernate Reactive keeps one session per context.
                .flatMap(sessions -> Multi.createFrom()
                        .iterable(sessions)
                        .onItem()
                        .transformToUniAndConcatenate(s -> cancel(s.accountId, actor, s.id))
                        .map(SessionView::id)
                        .collect()
                        .asList());
    }

    /**
     * A new session that continues from an instance's pushed branch, onto
     * {@code para/recovered-<session>-<HHMMSS>}, for the account's linked GitHub user.
     */
    public Uni<Created> recover(String accountId, String actor, UUID id, int instance, String prompt) {
        return identities
                .required(accountId)
                .flatMap(identity -> Panache.withSession(() -> Session.findForAccount(accountId, id)
                                .onItem()
                                .ifNull()
                                .failWith(() -> ProblemException.notFound("Session " + id))
                                .flatMap(s -> SessionInstance.find(s.id, instance)
                                        .onItem()
                                        .ifNull()
                                        .failWith(() -> ProblemException.badRequest(
                                                "instance", "the session has no instance " + instance))
                                        .flatMap(i -> Installation.<Installation>findById(s.installationId)
                                                .map(installation -> planner.recovery(
                                                        s, i, installation, actor, prompt, identity.login())))))
                        .call(p -> planner.mayPush(p, identity.login())))
                .flatMap(writer::write)
                .map(view -> new Created(view, false));
    }

    /**
     * Best-of-N from the API: keeps instance {@code instance}'s pull request and closes the
     * others. The account's GitHub user must be able to push, as for a create.
     */
    public Uni<SessionView> pick(String accountId, String actor, UUID id, int instance, boolean keepBranches) {
        return identities
                .required(accountId)
                .flatMap(identity -> Panache.withSession(() -> Session.findForAccount(accountId, id))
                        .onItem()
                        .ifNull()
                        .failWith(() -> ProblemException.notFound("Session " + id))
                        .call(s -> planner.mayPush(s.installationId, s.repository, identity.login())))
                .flatMap(s -> picker.pick(s.id, instance, actor, keepBranches))
                .flatMap(picked -> repository.get(accountId, id));
    }

    /** The issue's sessions, newest first (at most five), as the API shows them. */
    public Uni<List<SessionView>> forIssue(String repository, int issue) {
        return Panache.withSession(() -> Session.forIssue(repository, issue, 5)
                .flatMap(sessions -> SessionInstance.forSessions(
                                sessions.stream().map(s -> s.id).toList())
                        .map(instances -> sessions.stream()
                                .map(s -> SessionView.of(
                                        s,
                                        instances.stream()
                                                .filter(i -> i.sessionId.equals(s.id))
                                                .toList()))
                                .toList())));
    }

    /** The issue's newest session: the one {@code pick} and {@code retry} in a comment mean. */
    private Uni<Session> newestForIssue(String repository, int issue) {
        return Panache.withSession(() -> Session.forIssue(repository, issue, 1)).map(sessions -> {
            if (sessions.isEmpty()) {
                throw ProblemException.notFound("A session of this issue");
            }
            return sessions.get(0);
        });
    }

    /** {@code pick n} in a comment: the commenter's push permission was checked already. */
    public Uni<SessionView> pickForIssue(String repository, int issue, String actor, int instance) {
        return newestForIssue(repository, issue)
                .flatMap(s -> picker.pick(s.id, instance, actor, false).replaceWith(s))
                .flatMap(this::viewOf);
    }

    /** {@code retry n} in a comment: a new session from instance n's branch of the issue's newest session. */
    public Uni<Created> retryForIssue(
            Installation installation, String actor, String repository, int issue, int instance) {
        return newestForIssue(repository, issue)
                .flatMap(s -> Panache.withSession(() -> SessionInstance.find(s.id, instance))
                        .onItem()
                        .ifNull()
                        .failWith(() ->
                                ProblemException.badRequest("instance", "the session has no instance " + instance))
                        .map(i -> planner.recovery(s, i, installation, actor, null, actor)))
                .flatMap(writer::write)
                .map(view -> new Created(view, false));
    }

    private Uni<SessionView> viewOf(Session s) {
        return repository.get(s.accountId, s.id);
    }
}
