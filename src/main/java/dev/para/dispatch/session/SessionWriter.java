package dev.para.dispatch.session;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.para.dispatch.Hashes;
import dev.para.dispatch.api.ProblemException;
import dev.para.dispatch.api.ProblemType;
import dev.para.dispatch.audit.AuditLog;
import dev.para.dispatch.installation.Installation;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Writes planned sessions: once per idempotency key (a retry, or a second replica racing the
 * first, gets the first's session), within the quotas, the session, its instances and its first
 * event in one transaction, then hands it to the launcher.
 */
@ApplicationScoped
class SessionWriter {

    static final String OBJECT_TYPE = "session";

    /** The answer to a create: the session, and whether it was an earlier create replayed. */
    record Created(SessionView session, boolean replayed) {}

    private final SessionConfig config;
    private final SessionTransitions transitions;
    private final SessionLauncher launcher;
    private final SessionBudgets budgets;
    private final AuditLog audit;
    private final ObjectMapper json;
    private final Clock clock;

    SessionWriter(
            SessionConfig config,
            SessionTransitions transitions,
            SessionLauncher launcher,
            SessionBudgets budgets,
            AuditLog audit,
            ObjectMapper json,
            Clock clock) {
        this.config = config;
        this.transitions = transitions;
        this.launcher = launcher;
        this.budgets = budgets;
        this.audit = audit;
        this.json = json;
        this.clock = clock;
    }

    /**
     * The one create path: the earlier session of this key when there is one (409-free replay),
     * else the plan written; a race on the key with another writer ends in the winner's session.
     */
    Uni<Created> createOnce(
            String accountId, String idempotencyKey, CreateSessionRequest request, Supplier<Uni<SessionPlan>> plan) {
        String hash = hash(request);
        return replayOf(accountId, idempotencyKey, hash)
                .flatMap(replay -> replay != null
                        ? Uni.createFrom().item(replay)
                        : plan.get()
                                .flatMap(this::write)
                                .map(view -> new Created(view, false))
                                .onFailure(SessionWriter::isIdempotencyRace)
                                .recoverWithUni(() -> replayOf(accountId, idempotencyKey, hash)));
    }

    /** Writes the session, its instances and its first event in one transaction, within the quotas. */
    Uni<SessionView> write(SessionPlan p) {
        return Panache.withTransaction(() -> Installation.<Installation>findById(
                                p.installation().installationId, LockModeType.PESSIMISTIC_WRITE)
                        .invoke(SessionPlanner::requireActive)
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
                .onFailure(SessionWriter::isBranchClash)
                .transform(e -> ProblemException.conflict(
                        ProblemType.SESSION_NAME_TAKEN,
                        "A session named like this started on " + p.repository() + " this second; choose another name"))
                .invoke(view -> launcher.launchSoon(view.id()));
    }

    /** The request's fingerprint: a key reused for another request is refused, not replayed. */
    String hash(CreateSessionRequest request) {
        try {
            return Hashes.sha256Hex(json.writeValueAsBytes(request));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Could not hash a request", e);
        }
    }

    /** The branch instance {@code n} pushes: the base alone when the session has one instance. */
    static String branchOf(Session s, int n) {
        return s.instanceCount == 1 ? s.branchBase : s.branchBase + "-" + n;
    }

    private Uni<Void> checkQuotas(SessionPlan p) {
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
                .flatMap(ignored -> budgets.checkDay(
                        p.installation().installationId,
                        p.installation().githubAccountLogin,
                        p.instances(),
                        p.budgetUsd()));
    }

    private ProblemException quotaExceeded(String detail) {
        return new ProblemException(
                ProblemType.QUOTA_EXCEEDED, detail, List.of(), config.quota().retryAfter());
    }

    private Session newSession(SessionPlan p) {
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
        s.model = p.model();
        s.budgetUsd = p.budgetUsd();
        s.state = SessionState.QUEUED;
        s.idempotencyKey = p.idempotencyKey();
        s.requestHash = p.requestHash();
        s.recoveredFrom = p.recoveredFrom();
        s.triggerIssue = p.trigger().issue();
        s.triggerComment = p.trigger().comment();
        s.trackingDueAt = p.trigger().issue() != null ? now : null; // posted when accepted
        s.actingGithubLogin = p.actingGithubLogin();
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
}
