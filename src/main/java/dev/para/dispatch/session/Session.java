package dev.para.dispatch.session;

import dev.para.dispatch.github.RepositoryName;
import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import org.hibernate.annotations.DynamicUpdate;
import org.hibernate.annotations.Generated;
import org.hibernate.generator.EventType;

/** A session: one prompt, run {@link #instanceCount} times in parallel against one repository. */
@Entity
@Table(name = "sessions")
@DynamicUpdate // several writers touch a session (launcher, refresher, recorder): each writes only what it changed
public class Session extends PanacheEntityBase {

    @Id
    public UUID id;

    /** Insertion order, for cursor paging; assigned by PostgreSQL. */
    @Generated(event = EventType.INSERT)
    @Column(insertable = false, updatable = false)
    public Long seq;

    @Column(nullable = false)
    public String slug;

    @Column(name = "account_id", nullable = false)
    public String accountId;

    @Column(name = "installation_id", nullable = false)
    public Long installationId;

    /** {@code owner/repo}. */
    @Column(nullable = false)
    public String repository;

    @Column(name = "source_branch", nullable = false)
    public String sourceBranch;

    @Column(name = "pr_base", nullable = false)
    public String prBase;

    /** The instances' branches are this ({@code N = 1}) or this plus {@code -n}. */
    @Column(name = "branch_base", nullable = false)
    public String branchBase;

    @Column(nullable = false)
    public String prompt;

    @Column(name = "prompt_file")
    public String promptFile;

    @Column(name = "instance_count", nullable = false)
    public int instanceCount;

    @Column(name = "agent_image", nullable = false)
    public String agentImage;

    /** The account's named agent image this session runs, if it is one (its pull credential applies). */
    @Column(name = "agent_image_name")
    public String agentImageName;

    @Column(name = "timeout_minutes", nullable = false)
    public int timeoutMinutes;

    @Column(name = "max_turns")
    public Integer maxTurns;

    /** The model the agent runs with; its own default when null. */
    public String model;

    /** Best-of-N: the instance whose pull request was picked, when, and by whom. */
    @Column(name = "picked_instance")
    public Integer pickedInstance;

    @Column(name = "picked_at")
    public Instant pickedAt;

    @Column(name = "picked_by")
    public String pickedBy;

    /** The session's tracking comment on its issue, once posted. */
    @Column(name = "tracking_comment_id")
    public Long trackingCommentId;

    /** Since when the tracking comment shows less than there is: the writer edits it (coalesced). */
    @Column(name = "tracking_due_at")
    public Instant trackingDueAt;

    /** The most each instance may spend (USD), as its agent reports its cost; null: no budget. */
    @Column(name = "budget_usd")
    public java.math.BigDecimal budgetUsd;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public SessionState state;

    public String reason;

    @Column(name = "job_name")
    public String jobName;

    @Column(name = "sealed_token")
    public String sealedToken;

    @Column(name = "token_expires_at")
    public Instant tokenExpiresAt;

    @Column(name = "launch_claimed_until")
    public Instant launchClaimedUntil;

    @Column(name = "launch_attempts", nullable = false)
    public int launchAttempts;

    @Column(name = "refresh_claimed_until")
    public Instant refreshClaimedUntil;

    @Column(name = "stop_pending", nullable = false)
    public boolean stopPending;

    @Column(name = "idempotency_key")
    public String idempotencyKey;

    @Column(name = "request_hash")
    public String requestHash;

    @Column(name = "recovered_from")
    public UUID recoveredFrom;

    @Column(name = "trigger_issue")
    public Integer triggerIssue;

    /** The GitHub user the session acts for: the account's linked identity, or the commenter. */
    @Column(name = "acting_github_login")
    public String actingGithubLogin;

    @Column(name = "trigger_comment")
    public Long triggerComment;

    @Column(name = "created_by", nullable = false)
    public String createdBy;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "launched_at")
    public Instant launchedAt;

    @Column(name = "finished_at")
    public Instant finishedAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    /** The owner part of {@link #repository}. */
    public String owner() {
        return RepositoryName.of(repository).owner();
    }

    /** The name part of {@link #repository}. */
    public String repositoryName() {
        return RepositoryName.of(repository).name();
    }

    /** The account's session; null when it does not exist or belongs to another account. */
    public static Uni<Session> findForAccount(String accountId, UUID id) {
        return find("id = ?1 and accountId = ?2", id, accountId).firstResult();
    }

    /** The session, its row locked until the transaction ends: state changes are made one at a time. */
    public static Uni<Session> lock(UUID id) {
        return findById(id, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE);
    }

    /** The account's session, locked as {@link #lock}; null when it is not the account's. */
    public static Uni<Session> lockForAccount(String accountId, UUID id) {
        return find("id = ?1 and accountId = ?2", id, accountId)
                .withLock(jakarta.persistence.LockModeType.PESSIMISTIC_WRITE)
                .firstResult();
    }

    public static Uni<Session> findByIdempotencyKey(String accountId, String key) {
        return find("accountId = ?1 and idempotencyKey = ?2", accountId, key).firstResult();
    }

    /** One page of the account's sessions, newest first, before the given sequence number. */
    public static Uni<List<Session>> pageForAccount(
            String accountId, long beforeSeq, Collection<SessionState> states, String repository, int limit) {
        StringBuilder query = new StringBuilder("accountId = :account and seq < :before");
        Parameters params = Parameters.with("account", accountId).and("before", beforeSeq);
        if (!states.isEmpty()) {
            query.append(" and state in :states");
            params.and("states", states);
        }
        if (repository != null) {
            query.append(" and lower(repository) = :repository");
            params.and("repository", repository.toLowerCase(java.util.Locale.ROOT));
        }
        return find(query.toString(), Sort.descending("seq"), params)
                .page(0, limit)
                .list();
    }

    /** Sessions not yet ended, of the account or of the installation: what the quotas count. */
    public static Uni<Long> countActiveForAccount(String accountId) {
        return count("accountId = ?1 and state in ?2", accountId, List.of(SessionState.QUEUED, SessionState.RUNNING));
    }

    public static Uni<Long> countActiveForInstallation(long installationId) {
        return count(
                "installationId = ?1 and state in ?2",
                installationId,
                List.of(SessionState.QUEUED, SessionState.RUNNING));
    }

    /** The sessions a comment thread started that have not ended. */
    /** The issue's sessions, newest first, at most {@code limit}. */
    public static Uni<List<Session>> forIssue(String repository, int issue, int limit) {
        return find(
                        "lower(repository) = ?1 and triggerIssue = ?2",
                        io.quarkus.panache.common.Sort.descending("createdAt"),
                        repository.toLowerCase(java.util.Locale.ROOT),
                        issue)
                .page(0, limit)
                .list();
    }

    public static Uni<List<Session>> activeForIssue(String repository, int issue) {
        return list(
                "lower(repository) = ?1 and triggerIssue = ?2 and state in ?3",
                repository.toLowerCase(java.util.Locale.ROOT),
                issue,
                List.of(SessionState.QUEUED, SessionState.RUNNING));
    }
}
