package dev.para.dispatch.session;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.para.dispatch.Hashes;
import dev.para.dispatch.RuntimeConfig;
import dev.para.dispatch.api.ProblemException;
import dev.para.dispatch.api.ProblemType;
import dev.para.dispatch.audit.AuditLog;
import dev.para.dispatch.github.GitHubClient;
import dev.para.dispatch.github.GitHubError;
import dev.para.dispatch.github.GitHubException;
import dev.para.dispatch.github.InstallationToken;
import dev.para.dispatch.github.InstallationTokenService;
import dev.para.dispatch.github.RepositoryName;
import dev.para.dispatch.github.TokenNarrowing;
import dev.para.dispatch.github.model.GitHubRepository;
import dev.para.dispatch.identity.GitHubIdentities;
import dev.para.dispatch.identity.PushPermissions;
import dev.para.dispatch.installation.GrantedRepository;
import dev.para.dispatch.installation.Installation;
import dev.para.dispatch.registry.AgentImage;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The rules of sessions: who may create one on which repository, with what defaults and within
 * which quotas; reading them back; cancelling and recovering. Launching is the launcher's.
 */
@ApplicationScoped
public class SessionService {

    static final String OBJECT_TYPE = "session";
    private static final DateTimeFormatter SLUG_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter RECOVER_TIME =
            DateTimeFormatter.ofPattern("HHmmss").withZone(ZoneOffset.UTC);

    /** A request checked and completed with defaults and GitHub's answers, ready to be written. */
    record Plan(
            UUID id,
            String accountId,
            String actor,
            Installation installation,
            String repository,
            String sourceBranch,
            String prBase,
            String branchBase,
            String slug,
            String prompt,
            String promptFile,
            int instances,
            AgentImageChoice agentImage,
            int timeoutMinutes,
            Integer maxTurns,
            String idempotencyKey,
            String requestHash,
            UUID recoveredFrom,
            Integer triggerIssue,
            Long triggerComment,
            String actingGithubLogin) {}

    /** The image a session runs, and the name of the account's agent image it is, if it is one. */
    record AgentImageChoice(String image, String name) {}

    /** The answer to a create: the session, and whether it was an earlier create replayed. */
    public record Created(SessionView session, boolean replayed) {}

    private static final Duration BLOCKING_LOOKUP = Duration.ofSeconds(10);
    private static final String GET_SQL = "SELECT s.id, s.slug, s.repository, s.state, s.reason, s.source_branch,"
            + " s.pr_base, s.prompt_file, s.prompt, s.instance_count, s.agent_image, s.timeout_minutes, s.max_turns,"
            + " s.recovered_from, s.trigger_issue, s.created_at, s.launched_at, s.finished_at, i.index,"
            + " i.state AS i_state, i.reason AS i_reason, i.branch, i.head_commit, i.pushed, i.exit_code, i.cost_usd,"
            + " i.turns, i.pr_number, i.pr_url, i.started_at, i.finished_at AS i_finished_at"
            + " FROM sessions s LEFT JOIN session_instances i ON i.session_id = s.id"
            + " WHERE s.id = $1 AND s.account_id = $2 ORDER BY i.index";

    private final SessionConfig config;
    private final Pool pool;
    private final GitHubClient github;
    private final InstallationTokenService tokens;
    private final SessionTransitions transitions;
    private final SessionLauncher launcher;
    private final AuditLog audit;
    private final ObjectMapper json;
    private final Clock clock;
    private final RuntimeConfig runtime;
    private final GitHubIdentities identities;
    private final PushPermissions pushPermissions;

    SessionService(
            SessionConfig config,
            Pool pool,
            GitHubClient github,
            InstallationTokenService tokens,
            SessionTransitions transitions,
            SessionLauncher launcher,
            AuditLog audit,
            ObjectMapper json,
            Clock clock,
            RuntimeConfig runtime,
            GitHubIdentities identities,
            PushPermissions pushPermissions) {
        this.runtime = runtime;
        this.identities = identities;
        this.pushPermissions = pushPermissions;
        this.config = config;
        this.pool = pool;
        this.github = github;
        this.tokens = tokens;
        this.transitions = transitions;
        this.launcher = launcher;
        this.audit = audit;
        this.json = json;
        this.clock = clock;
    }

    /**
     * Creates a session: checks everything first (nothing is written for a bad request), then
     * writes it and its instances as QUEUED in one transaction and asks the launcher to start it.
     */
    public Uni<Created> create(String accountId, String actor, CreateSessionRequest request, String idempotencyKey) {
        validate(request);
        String hash = hash(request);
        return replayOf(accountId, idempotencyKey, hash)
                .flatMap(replay -> replay != null
                        ? Uni.createFrom().item(replay)
                        : identities
                                .required(accountId)
                                .flatMap(identity ->
                                        plan(accountId, actor, request, idempotencyKey, hash, identity.login(), true))
                                .flatMap(this::write)
                                .map(view -> new Created(view, false))
                                .onFailure(SessionService::isIdempotencyRace)
                                .recoverWithUni(() -> replayOf(accountId, idempotencyKey, hash)));
    }

    /**
     * Starts a session for a comment on an issue: the installation's account owns it, and the
     * commenter (already checked for write access) is its actor.
     */
    public Uni<Created> createForComment(
            Installation installation, String actor, String repository, String prompt, int issue, long commentId) {
        CreateSessionRequest request = new CreateSessionRequest(
                repository,
                prompt,
                null,
                config.comments().instances(),
                "issue-" + issue,
                null,
                null,
                null,
                null,
                null);
        String key = "comment-" + commentId;
        String hash = hash(request);
        return replayOf(installation.accountId, key, hash)
                .flatMap(replay -> replay != null
                        ? Uni.createFrom().item(replay)
                        : plan(installation.accountId, actor, request, key, hash, actor, false)
                                .map(p -> withTrigger(p, issue, commentId))
                                .flatMap(this::write)
                                .map(view -> new Created(view, false))
                                .onFailure(SessionService::isIdempotencyRace)
                                .recoverWithUni(() -> replayOf(installation.accountId, key, hash)));
    }

    /**
     * The account's session with its instances, in one query on the plain client: the hottest read
     * of the API (clients poll it), so it skips the ORM.
     */
    public Uni<SessionView> get(String accountId, UUID id) {
        return pool.preparedQuery(GET_SQL).execute(Tuple.of(id, accountId)).map(rows -> {
            if (rows.size() == 0) {
                throw ProblemException.notFound("Session " + id);
            }
            Row first = null;
            List<InstanceView> instances = new ArrayList<>();
            for (Row row : rows) {
                first = first == null ? row : first;
                if (row.getInteger("index") != null) {
                    instances.add(new InstanceView(
                            row.getInteger("index"),
                            InstanceState.valueOf(row.getString("i_state")),
                            row.getString("i_reason"),
                            row.getString("branch"),
                            row.getString("head_commit"),
                            row.getBoolean("pushed"),
                            row.getInteger("exit_code"),
                            row.getBigDecimal("cost_usd"),
                            row.getInteger("turns"),
                            row.getInteger("pr_number"),
                            row.getString("pr_url"),
                            instant(row, "started_at"),
                            instant(row, "i_finished_at")));
                }
            }
            return new SessionView(
                    first.getUUID("id"),
                    first.getString("slug"),
                    first.getString("repository"),
                    SessionState.valueOf(first.getString("state")),
                    first.getString("reason"),
                    first.getString("source_branch"),
                    first.getString("pr_base"),
                    first.getString("prompt_file"),
                    first.getString("prompt"),
                    first.getInteger("instance_count"),
                    first.getString("agent_image"),
                    first.getInteger("timeout_minutes"),
                    first.getInteger("max_turns"),
                    first.getUUID("recovered_from"),
                    first.getInteger("trigger_issue"),
                    instant(first, "created_at"),
                    instant(first, "launched_at"),
                    instant(first, "finished_at"),
                    instances);
        });
    }

    private static Instant instant(Row row, String column) {
        var value = row.getOffsetDateTime(column);
        return value == null ? null : value.toInstant();
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
        podOrNull(accountId, id, 0);
    }

    /** The pod of an instance of the account's session, for its log; 404 when there is none (yet). Blocking. */
    public String podOfBlocking(String accountId, UUID id, int index) {
        String pod = podOrNull(accountId, id, index);
        if (pod == null) {
            throw new ProblemException(
                    ProblemType.NO_POD_YET, "Instance " + index + " has no pod yet; try again when it is running");
        }
        return pod;
    }

    private String podOrNull(String accountId, UUID id, int index) {
        var rows = pool.preparedQuery("SELECT i.index, i.pod_name FROM sessions s LEFT JOIN session_instances i"
                        + " ON i.session_id = s.id AND i.index = $3 WHERE s.id = $1 AND s.account_id = $2")
                .execute(Tuple.of(id, accountId, index))
                .await()
                .atMost(BLOCKING_LOOKUP);
        if (rows.size() == 0) {
            throw ProblemException.notFound("Session " + id);
        }
        var row = rows.iterator().next();
        if (index > 0 && row.getInteger("index") == null) {
            throw ProblemException.notFound("Instance " + index + " of session " + id);
        }
        return row.getString("pod_name");
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
                .call(() ->
                        audit.record(s.accountId, actor, "session.cancelled", OBJECT_TYPE, s.id.toString(), Map.of()))
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
     * {@code para/recovered-<session>-<HHMMSS>}.
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
                                                .map(installation -> recoveryPlan(
                                                        s, i, installation, actor, prompt, identity.login())))))
                        .call(p -> mayPush(p, identity.login())))
                .flatMap(this::write)
                .map(view -> new Created(view, false));
    }

    private Plan recoveryPlan(
            Session s, SessionInstance i, Installation installation, String actor, String prompt, String actingLogin) {
        if (!Boolean.TRUE.equals(i.pushed)) {
            throw ProblemException.conflict(
                    ProblemType.NOTHING_TO_RECOVER,
                    "Instance " + i.index + " pushed no branch, so there is nothing to continue from");
        }
        requireActive(installation);
        String continuation = prompt != null && !prompt.isBlank()
                ? prompt
                : "Continue the work on this branch. It was started for this task:\n\n" + s.prompt;
        checkPromptSize(continuation, "prompt");
        Instant now = clock.instant();
        String branchBase = "para/recovered-" + s.slug + "-" + RECOVER_TIME.format(now);
        return new Plan(
                UUID.randomUUID(),
                s.accountId,
                actor,
                installation,
                s.repository,
                i.branch,
                s.prBase,
                branchBase,
                slug("recovered-" + s.slug, now),
                continuation,
                null,
                1,
                new AgentImageChoice(s.agentImage, s.agentImageName),
                s.timeoutMinutes,
                s.maxTurns,
                null,
                null,
                s.id,
                s.triggerIssue,
                null,
                actingLogin);
    }

    /** The session's repository is one its GitHub user may push to (dry run asks GitHub nothing). */
    private Uni<Void> mayPush(Plan p, String login) {
        if (runtime.dryRun()) {
            return Uni.createFrom().voidItem();
        }
        RepositoryName repository = RepositoryName.of(p.repository());
        String owner = repository.owner();
        String name = repository.name();
        return tokens.withToken(
                p.installation().installationId,
                TokenNarrowing.repository(name, TokenNarrowing.SERVICE_PERMISSIONS),
                token -> pushPermissions.require(token, owner, name, login));
    }

    /**
     * Completes the request with defaults and GitHub's answers; every check that needs no write.
     * The session acts for GitHub user {@code actingLogin}, who must be able to push when
     * {@code checkPush} (a commenter's permission was checked already).
     */
    private Uni<Plan> plan(
            String accountId,
            String actor,
            CreateSessionRequest r,
            String idempotencyKey,
            String hash,
            String actingLogin,
            boolean checkPush) {
        RepositoryName repository = RepositoryName.of(r.repository());
        String owner = repository.owner();
        String name = repository.name();
        if (runtime.dryRun()) {
            return agentImage(accountId, r.agentImage())
                    .flatMap(image -> installationFor(accountId, owner, r.repository())
                            .map(installation -> completed(
                                    accountId,
                                    actor,
                                    installation,
                                    dryRunRepository(r),
                                    r,
                                    image,
                                    r.prompt(),
                                    idempotencyKey,
                                    hash,
                                    actingLogin)));
        }
        return agentImage(accountId, r.agentImage())
                .flatMap(image -> installationFor(accountId, owner, r.repository())
                        .flatMap(installation -> tokens.withToken(
                                        installation.installationId,
                                        TokenNarrowing.repository(name, TokenNarrowing.SERVICE_PERMISSIONS),
                                        token -> (checkPush
                                                        ? pushPermissions.require(token, owner, name, actingLogin)
                                                        : Uni.createFrom().voidItem())
                                                .flatMap(ignored -> github.getRepository(token, owner, name))
                                                .flatMap(repo -> promptOf(r, token, owner, name, sourceBranch(r, repo))
                                                        .map(prompt -> completed(
                                                                accountId,
                                                                actor,
                                                                installation,
                                                                repo,
                                                                r,
                                                                image,
                                                                prompt,
                                                                idempotencyKey,
                                                                hash,
                                                                actingLogin))))
                                .onFailure(GitHubException.class)
                                .transform(e -> asProblem((GitHubException) e, r.repository()))));
    }

    /**
     * In dry run nothing is asked of GitHub, not even a token to read with: the repository is taken
     * as named, on the requested branch or {@code main}; a prompt file, which only GitHub has, is refused.
     */
    private GitHubRepository dryRunRepository(CreateSessionRequest r) {
        if (r.promptFile() != null) {
            throw ProblemException.badRequest("promptFile", "cannot be read in dry run, which makes no call to GitHub");
        }
        Log.infof(
                "[dry-run] would read %s at GitHub; taken as named, on branch %s",
                r.repository(), r.sourceBranch() != null ? r.sourceBranch() : "main");
        return new GitHubRepository(0, RepositoryName.of(r.repository()).name(), r.repository(), false, "main");
    }

    /** The account's active installation on the owner, with the repository granted to it. */
    private Uni<Installation> installationFor(String accountId, String owner, String repository) {
        return Panache.withSession(() -> Installation.findForAccountAndOwner(accountId, owner)
                .flatMap(installation -> {
                    if (installation == null) {
                        throw new ProblemException(
                                ProblemType.NO_INSTALLATION,
                                "The App is not installed on " + owner + " for this account");
                    }
                    requireActive(installation);
                    return "selected".equals(installation.repositorySelection)
                            ? GrantedRepository.isGranted(installation.installationId, repository)
                                    .map(granted -> {
                                        if (!granted) {
                                            throw notAccessible(repository);
                                        }
                                        return installation;
                                    })
                            : Uni.createFrom().item(installation);
                }));
    }

    private Plan completed(
            String accountId,
            String actor,
            Installation installation,
            GitHubRepository repo,
            CreateSessionRequest r,
            AgentImageChoice image,
            String prompt,
            String idempotencyKey,
            String hash,
            String actingLogin) {
        Instant now = clock.instant();
        UUID id = UUID.randomUUID();
        String sourceBranch = sourceBranch(r, repo);
        String name = r.name() != null ? r.name() : "s" + id.toString().substring(0, 6);
        String slug = slug(name, now);
        return new Plan(
                id,
                accountId,
                actor,
                installation,
                repo.fullName() != null ? repo.fullName() : r.repository(),
                sourceBranch,
                r.prBase() != null ? r.prBase() : sourceBranch,
                "para/" + slug,
                slug,
                prompt,
                r.promptFile(),
                r.instances() != null ? r.instances() : 1,
                image,
                r.timeoutMinutes() != null ? r.timeoutMinutes() : config.defaultTimeoutMinutes(),
                r.maxTurns() != null ? r.maxTurns() : config.defaultMaxTurns().orElse(null),
                idempotencyKey,
                hash,
                null,
                null,
                null,
                actingLogin);
    }

    private Uni<String> promptOf(
            CreateSessionRequest r, InstallationToken token, String owner, String name, String ref) {
        if (r.promptFile() == null) {
            return Uni.createFrom().item(r.prompt());
        }
        return github.getFile(token, owner, name, r.promptFile(), ref)
                .map(file -> {
                    if (!"file".equals(file.type())) {
                        throw ProblemException.badRequest("promptFile", "is not a file");
                    }
                    String text = file.text();
                    checkPromptSize(text, "promptFile");
                    return text;
                })
                .onFailure(e -> e instanceof GitHubException g && g.error() == GitHubError.REPOSITORY_NOT_FOUND)
                .transform(e -> new ProblemException(
                        ProblemType.PROMPT_FILE_NOT_FOUND, r.promptFile() + " does not exist on branch " + ref));
    }

    /** Writes the session, its instances and its first event in one transaction, within the quotas. */
    private Uni<SessionView> write(Plan p) {
        return Panache.withTransaction(() -> Installation.<Installation>findById(
                                p.installation().installationId, LockModeType.PESSIMISTIC_WRITE)
                        .invoke(SessionService::requireActive)
                        .call(installation -> checkQuotas(p))
                        .flatMap(installation -> {
                            Session s = newSession(p);
                            List<SessionInstance> instances = newInstances(s);
                            return s.persist()
                                    .call(() -> SessionInstance.persist(instances))
                                    .call(() -> transitions.created(s))
                                    .call(() -> audit.record(
                                            p.accountId(),
                                            p.actor(),
                                            "session.created",
                                            OBJECT_TYPE,
                                            s.id.toString(),
                                            Map.of("repository", s.repository, "instances", s.instanceCount)))
                                    .map(ignored -> SessionView.of(s, instances));
                        }))
                .onFailure(SessionService::isBranchClash)
                .transform(e -> ProblemException.conflict(
                        ProblemType.SESSION_NAME_TAKEN,
                        "A session named like this started on " + p.repository() + " this second; choose another name"))
                .invoke(view -> launcher.launchSoon(view.id()));
    }

    private Uni<Void> checkQuotas(Plan p) {
        return Session.countActiveForInstallation(p.installation().installationId)
                .flatMap(perInstallation -> {
                    if (perInstallation >= config.quota().perInstallation()) {
                        throw quotaExceeded("The installation on " + p.installation().githubAccountLogin + " has "
                                + perInstallation + " sessions queued or running, its quota");
                    }
                    return Session.countActiveForAccount(p.accountId());
                })
                .invoke(perAccount -> {
                    if (perAccount >= config.quota().perAccount()) {
                        throw quotaExceeded("The account has " + perAccount + " sessions queued or running, its quota");
                    }
                })
                .replaceWithVoid();
    }

    private ProblemException quotaExceeded(String detail) {
        return new ProblemException(
                ProblemType.QUOTA_EXCEEDED, detail, List.of(), config.quota().retryAfter());
    }

    private Session newSession(Plan p) {
        Instant now = clock.instant();
        Session s = new Session();
        s.id = p.id();
        s.slug = p.slug();
        s.accountId = p.accountId();
        s.installationId = p.installation().installationId;
        s.repository = p.repository();
        s.sourceBranch = p.sourceBranch();
        s.prBase = p.prBase();
        s.branchBase = p.branchBase();
        s.prompt = p.prompt();
        s.promptFile = p.promptFile();
        s.instanceCount = p.instances();
        s.agentImage = p.agentImage().image();
        s.agentImageName = p.agentImage().name();
        s.timeoutMinutes = p.timeoutMinutes();
        s.maxTurns = p.maxTurns();
        s.state = SessionState.QUEUED;
        s.idempotencyKey = p.idempotencyKey();
        s.requestHash = p.requestHash();
        s.recoveredFrom = p.recoveredFrom();
        s.triggerIssue = p.triggerIssue();
        s.actingGithubLogin = p.actingGithubLogin();
        s.triggerComment = p.triggerComment();
        s.createdBy = p.actor();
        s.createdAt = now;
        s.updatedAt = now;
        return s;
    }

    private List<SessionInstance> newInstances(Session s) {
        List<SessionInstance> instances = new ArrayList<>();
        for (int n = 1; n <= s.instanceCount; n++) {
            SessionInstance i = new SessionInstance();
            i.sessionId = s.id;
            i.index = n;
            i.branch = branchOf(s, n);
            i.state = InstanceState.QUEUED;
            i.updatedAt = s.createdAt;
            instances.add(i);
        }
        return instances;
    }

    /** The branch instance {@code n} pushes: the base alone when the session has one instance. */
    static String branchOf(Session s, int n) {
        return s.instanceCount == 1 ? s.branchBase : s.branchBase + "-" + n;
    }

    private Uni<Created> replayOf(String accountId, String idempotencyKey, String hash) {
        if (idempotencyKey == null) {
            return Uni.createFrom().nullItem();
        }
        return Panache.withSession(() -> Session.findByIdempotencyKey(accountId, idempotencyKey)
                .flatMap(s -> {
                    if (s == null) {
                        return Uni.createFrom().nullItem();
                    }
                    if (!hash.equals(s.requestHash)) {
                        throw new ProblemException(
                                ProblemType.IDEMPOTENCY_KEY_REUSED,
                                "This Idempotency-Key was used for a different request");
                    }
                    return SessionInstance.forSession(s.id)
                            .map(instances -> new Created(SessionView.of(s, instances), true));
                }));
    }

    private void validate(CreateSessionRequest r) {
        boolean inline = r.prompt() != null && !r.prompt().isBlank();
        if (inline == (r.promptFile() != null)) {
            throw ProblemException.badRequest("prompt", "give exactly one of prompt and promptFile");
        }
        if (inline) {
            checkPromptSize(r.prompt(), "prompt");
        }
        if (r.instances() != null && r.instances() > config.maxInstances()) {
            throw ProblemException.badRequest("instances", "must be at most " + config.maxInstances());
        }
        if (r.timeoutMinutes() != null && r.timeoutMinutes() > config.maxTimeoutMinutes()) {
            throw ProblemException.badRequest("timeoutMinutes", "must be at most " + config.maxTimeoutMinutes());
        }
    }

    private void checkPromptSize(String prompt, String field) {
        if (prompt.getBytes(StandardCharsets.UTF_8).length > config.maxPromptBytes()) {
            throw ProblemException.badRequest(field, "is longer than " + config.maxPromptBytes() + " bytes");
        }
    }

    /**
     * The image a request names: one of the account's agent images, else one of the configuration's.
     * Naming none: the account's default image, else the configuration's.
     */
    private Uni<AgentImageChoice> agentImage(String accountId, String name) {
        return Panache.withSession(
                        () -> name == null ? AgentImage.defaultFor(accountId) : AgentImage.named(accountId, name))
                .map(own -> {
                    if (own != null) {
                        return new AgentImageChoice(own.image, own.name);
                    }
                    if (name == null) {
                        return new AgentImageChoice(config.defaultAgentImage(), null);
                    }
                    String image = config.agentImages().get(name);
                    if (image == null) {
                        throw new ProblemException(
                                ProblemType.UNKNOWN_AGENT_IMAGE, "No agent image is named '" + name + "'");
                    }
                    return new AgentImageChoice(image, null);
                });
    }

    private static String sourceBranch(CreateSessionRequest r, GitHubRepository repo) {
        return r.sourceBranch() != null ? r.sourceBranch() : repo.defaultBranch();
    }

    private static String slug(String name, Instant at) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "-") + "_" + SLUG_TIME.format(at);
    }

    private static Plan withTrigger(Plan p, int issue, long comment) {
        return new Plan(
                p.id(),
                p.accountId(),
                p.actor(),
                p.installation(),
                p.repository(),
                p.sourceBranch(),
                p.prBase(),
                p.branchBase(),
                p.slug(),
                p.prompt(),
                p.promptFile(),
                p.instances(),
                p.agentImage(),
                p.timeoutMinutes(),
                p.maxTurns(),
                p.idempotencyKey(),
                p.requestHash(),
                p.recoveredFrom(),
                issue,
                comment,
                p.actingGithubLogin());
    }

    private static void requireActive(Installation installation) {
        if (installation == null || installation.deletedAt != null) {
            throw new ProblemException(ProblemType.NO_INSTALLATION, "The App's installation is gone");
        }
        if (installation.suspendedAt != null) {
            throw new ProblemException(
                    ProblemType.INSTALLATION_SUSPENDED,
                    "The App's installation on " + installation.githubAccountLogin + " is suspended");
        }
    }

    private static ProblemException notAccessible(String repository) {
        return new ProblemException(
                ProblemType.REPOSITORY_NOT_ACCESSIBLE, "The App's installation cannot see " + repository);
    }

    private static ProblemException asProblem(GitHubException e, String repository) {
        return switch (e.error()) {
            case REPOSITORY_NOT_FOUND -> notAccessible(repository);
            case SUSPENDED ->
                new ProblemException(ProblemType.INSTALLATION_SUSPENDED, "The App's installation is suspended");
            case INSTALLATION_NOT_FOUND ->
                new ProblemException(ProblemType.NO_INSTALLATION, "The App's installation is gone");
            case RATE_LIMITED, UNAVAILABLE ->
                ProblemException.unavailable(
                        ProblemType.GITHUB_UNAVAILABLE,
                        "GitHub cannot be reached right now; try again shortly",
                        e.retryAfter().orElse(Duration.ofSeconds(30)));
            default ->
                new ProblemException(
                        ProblemType.GITHUB_REFUSED,
                        "GitHub refused to let the App read " + repository + " (" + e.error() + ")");
        };
    }

    private static boolean isIdempotencyRace(Throwable e) {
        return isUniqueViolation(e, "sessions_account_id_idempotency_key_key");
    }

    private static boolean isBranchClash(Throwable e) {
        return isUniqueViolation(e, "sessions_repository_branch_base_key");
    }

    private static boolean isUniqueViolation(Throwable e, String constraint) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains(constraint)) {
                return true;
            }
        }
        return false;
    }

    private String hash(CreateSessionRequest request) {
        try {
            return Hashes.sha256Hex(json.writeValueAsBytes(request));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Could not hash a request", e);
        }
    }
}
