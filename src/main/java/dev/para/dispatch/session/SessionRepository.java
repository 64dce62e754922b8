package dev.para.dispatch.session;

import dev.para.dispatch.Timestamps;
import dev.para.dispatch.api.ProblemException;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Every session statement that skips the ORM, on the plain client: the API's hottest read
 * (clients poll a session), the pod lookups of streaming answers, the event stream's reads, the
 * claims and leases of the launcher, the token refresher and the PR publisher, and the gauges'
 * counts. One mapping of a row to a (detached) {@link Session} and {@link SessionInstance}
 * serves the reads. Writes of a session's state go through the ORM's locked reads instead.
 *
 * <p>Over 300 lines: it is the session feature's one home for SQL (ten statements and their
 * row mappings); splitting it would put SQL back in two places.
 */
@ApplicationScoped
public class SessionRepository {

    /** A session's columns, as {@link #session(Row)} reads them. */
    private static final String SESSION_COLUMNS = "s.id, s.slug, s.account_id, s.installation_id, s.repository,"
            + " s.state, s.reason, s.source_branch, s.pr_base, s.branch_base, s.prompt_file, s.prompt,"
            + " s.instance_count, s.agent_image, s.agent_image_name, s.timeout_minutes, s.max_turns, s.budget_usd, s.model, s.picked_instance,"
            + " s.recovered_from, s.trigger_issue, s.created_at, s.launched_at, s.finished_at";

    private static final String GET = "SELECT " + SESSION_COLUMNS + ", i.index, i.state AS i_state,"
            + " i.reason AS i_reason, i.branch, i.head_commit, i.pushed, i.exit_code, i.cost_usd, i.turns,"
            + " i.files_changed, i.insertions, i.deletions, i.tests_changed, i.summary,"
            + " i.pr_number, i.pr_url, i.started_at, i.finished_at AS i_finished_at"
            + " FROM sessions s LEFT JOIN session_instances i ON i.session_id = s.id"
            + " WHERE s.id = $1 AND s.account_id = $2 ORDER BY i.index";

    private static final String POD = "SELECT i.index, i.pod_name FROM sessions s LEFT JOIN session_instances i"
            + " ON i.session_id = s.id AND i.index = $3 WHERE s.id = $1 AND s.account_id = $2";

    /** Queued sessions nobody holds, oldest first, leased to the caller; %s narrows to one session. */
    private static final String CLAIM = "UPDATE sessions s SET launch_claimed_until = $1,"
            + " launch_attempts = launch_attempts + 1 WHERE id IN (SELECT id FROM sessions"
            + " WHERE state = 'QUEUED' AND (launch_claimed_until IS NULL OR launch_claimed_until < $2) %s"
            + " ORDER BY created_at LIMIT $3 FOR UPDATE SKIP LOCKED) RETURNING " + SESSION_COLUMNS
            + ", s.launch_attempts";

    /** Succeeded instances that pushed and have no PR yet, nobody holding them; %s narrows to one. */
    private static final String CLAIM_UNPUBLISHED = "UPDATE session_instances SET publish_claimed_until = $1"
            + " WHERE (session_id, index) IN (SELECT session_id, index FROM session_instances"
            + " WHERE pushed AND pr_url IS NULL AND state = 'SUCCEEDED'"
            + " AND (publish_claimed_until IS NULL OR publish_claimed_until < $2) %s"
            + " LIMIT $3 FOR UPDATE SKIP LOCKED) RETURNING session_id, index";

    private static final String LEASE_PUBLISH =
            "UPDATE session_instances SET publish_claimed_until = $1 WHERE session_id = $2 AND index = $3";

    /** Running sessions whose token expires before $2, soonest first, nobody refreshing them. */
    private static final String CLAIM_TOKENS_DUE = "UPDATE sessions SET refresh_claimed_until = $1 WHERE id IN ("
            + "SELECT id FROM sessions WHERE state = 'RUNNING' AND token_expires_at < $2"
            + " AND (refresh_claimed_until IS NULL OR refresh_claimed_until < $3)"
            + " ORDER BY token_expires_at LIMIT $4 FOR UPDATE SKIP LOCKED)"
            + " RETURNING id, installation_id, repository, account_id";

    private static final String STORE_TOKEN = "UPDATE sessions SET sealed_token = $1, token_expires_at = $2,"
            + " refresh_claimed_until = NULL WHERE id = $3 AND state = 'RUNNING'";

    private static final String LEASE_REFRESH = "UPDATE sessions SET refresh_claimed_until = $1 WHERE id = $2";

    private static final String PENDING_SINCE = "SELECT DISTINCT s.id FROM sessions s"
            + " JOIN session_instances i ON i.session_id = s.id"
            + " WHERE s.state = 'RUNNING' AND i.state = 'PENDING' AND s.launched_at < $1";

    private static final String EVENTS_AFTER = "SELECT id, instance, state, reason, detail, occurred_at"
            + " FROM session_events WHERE session_id = $1 AND id > $2 ORDER BY id LIMIT $3";

    private static final String LIVE_COUNTS = "SELECT 's' AS kind, state, count(*) AS n FROM sessions"
            + " WHERE state IN ('QUEUED', 'RUNNING') GROUP BY state"
            + " UNION ALL SELECT 'i', state, count(*) FROM session_instances"
            + " WHERE state IN ('PENDING', 'RUNNING') GROUP BY state";

    /** Costs reported since $2 and budgets of instances still going, of the sessions matching %s ($1), by installation. */
    private static final String DAY_USAGE = "SELECT s.installation_id,"
            + " coalesce(sum(i.cost_usd) FILTER (WHERE i.finished_at >= $2), 0) AS spent,"
            + " coalesce(sum(s.budget_usd) FILTER (WHERE i.state IN ('QUEUED', 'PENDING', 'RUNNING')), 0) AS reserved"
            + " FROM sessions s JOIN session_instances i ON i.session_id = s.id"
            + " WHERE %s AND (i.finished_at >= $2 OR i.state IN ('QUEUED', 'PENDING', 'RUNNING'))"
            + " GROUP BY s.installation_id ORDER BY s.installation_id";

    /** Sessions whose tracking comment is due an edit, last edited before $2, nobody editing it. */
    private static final String CLAIM_TRACKING = "UPDATE sessions SET tracking_claimed_until = $1 WHERE id IN ("
            + "SELECT id FROM sessions WHERE tracking_due_at IS NOT NULL"
            + " AND (tracking_edited_at IS NULL OR tracking_edited_at <= $2)"
            + " AND (tracking_claimed_until IS NULL OR tracking_claimed_until < $3)"
            + " ORDER BY tracking_due_at LIMIT $4 FOR UPDATE SKIP LOCKED)"
            + " RETURNING id, account_id, installation_id, repository, trigger_issue, tracking_comment_id,"
            + " created_at, tracking_due_at";

    /** The comment written as it was at $4: due again only if something changed since. */
    private static final String TRACKING_WRITTEN = "UPDATE sessions SET tracking_comment_id = $2,"
            + " tracking_edited_at = $3, tracking_claimed_until = NULL,"
            + " tracking_due_at = CASE WHEN tracking_due_at <= $4 THEN NULL ELSE tracking_due_at END WHERE id = $1";

    private static final String LEASE_TRACKING = "UPDATE sessions SET tracking_claimed_until = $1 WHERE id = $2";

    private static final Duration BLOCKING_LOOKUP = Duration.ofSeconds(10);

    /** A session whose tracking comment is due an edit: where it goes and what it was. */
    record TrackingDue(
            UUID sessionId,
            String accountId,
            long installationId,
            String repository,
            int issue,
            Long commentId,
            Instant createdAt,
            Instant dueAt) {}

    /** One installation's spend since a moment, and what its instances still going reserve. */
    record DayUsage(long installationId, BigDecimal spentUsd, BigDecimal reservedUsd) {}

    /** How many sessions and instances are in each live state, cluster-wide. */
    record LiveCounts(Map<SessionState, Long> sessions, Map<InstanceState, Long> instances) {}

    /** A queued session leased to this launcher, and how many launches it has had, this one included. */
    record Claim(UUID sessionId, int attempts, Session session) {}

    private final Pool pool;

    SessionRepository(Pool pool) {
        this.pool = pool;
    }

    /** The account's session with its instances, in one query; 404 when the account has none such. */
    public Uni<SessionView> get(String accountId, UUID id) {
        return pool.preparedQuery(GET).execute(Tuple.of(id, accountId)).map(rows -> {
            if (rows.size() == 0) {
                throw ProblemException.notFound("Session " + id);
            }
            Session session = null;
            List<SessionInstance> instances = new ArrayList<>();
            for (Row row : rows) {
                session = session == null ? session(row) : session;
                if (row.getInteger("index") != null) {
                    instances.add(instance(session.id, row));
                }
            }
            return SessionView.of(session, instances);
        });
    }

    /**
     * The pod of an instance of the account's session ({@code index} 0: the session only), null
     * when it has none yet; 404 when the account has no such session or instance. Blocking: for
     * streaming answers, whose status is decided before they start, on a worker thread.
     */
    public String podOrNullBlocking(String accountId, UUID id, int index) {
        var rows = pool.preparedQuery(POD)
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

    /** Leases up to {@code limit} queued sessions (or the one named) until {@code leaseUntil}. */
    public Uni<List<Claim>> claimQueued(UUID sessionId, int limit, Instant now, Instant leaseUntil) {
        Tuple args = Tuple.of(Timestamps.utc(leaseUntil), Timestamps.utc(now), limit);
        if (sessionId != null) {
            args.addUUID(sessionId);
        }
        return pool.preparedQuery(String.format(CLAIM, sessionId == null ? "" : "AND id = $4"))
                .execute(args)
                .map(rows -> {
                    List<Claim> claims = new ArrayList<>();
                    for (Row row : rows) {
                        Session s = session(row);
                        claims.add(new Claim(s.id, row.getInteger("launch_attempts"), s));
                    }
                    return claims;
                });
    }

    /** Leases up to {@code limit} instances whose PR is due (or the one named) until {@code leaseUntil}. */
    Uni<List<PullRequestPublisher.Claimed>> claimUnpublished(
            UUID sessionId, int index, int limit, Instant now, Instant leaseUntil) {
        Tuple args = Tuple.of(Timestamps.utc(leaseUntil), Timestamps.utc(now), limit);
        String filter = "";
        if (sessionId != null) {
            filter = "AND session_id = $4 AND index = $5";
            args.addUUID(sessionId).addInteger(index);
        }
        return pool.preparedQuery(String.format(CLAIM_UNPUBLISHED, filter))
                .execute(args)
                .map(rows -> {
                    List<PullRequestPublisher.Claimed> claimed = new ArrayList<>();
                    for (Row row : rows) {
                        claimed.add(
                                new PullRequestPublisher.Claimed(row.getUUID("session_id"), row.getInteger("index")));
                    }
                    return claimed;
                });
    }

    /** Holds an instance's PR back until {@code until} (a failed attempt's backoff). */
    Uni<Void> leasePublish(UUID sessionId, int index, Instant until) {
        return pool.preparedQuery(LEASE_PUBLISH)
                .execute(Tuple.of(Timestamps.utc(until), sessionId, index))
                .replaceWithVoid();
    }

    /** Leases up to {@code limit} running sessions whose token expires before {@code dueBefore}. */
    Uni<List<SessionTokenRefresher.Due>> claimTokensDue(Instant now, Instant dueBefore, Instant leaseUntil, int limit) {
        return pool.preparedQuery(CLAIM_TOKENS_DUE)
                .execute(Tuple.of(Timestamps.utc(leaseUntil), Timestamps.utc(dueBefore), Timestamps.utc(now), limit))
                .map(rows -> {
                    List<SessionTokenRefresher.Due> due = new ArrayList<>();
                    for (Row row : rows) {
                        due.add(new SessionTokenRefresher.Due(
                                row.getUUID("id"),
                                row.getLong("installation_id"),
                                row.getString("repository"),
                                row.getString("account_id")));
                    }
                    return due;
                });
    }

    /** Stores a running session's refreshed (sealed) token and ends its lease. */
    Uni<Void> storeRefreshedToken(UUID sessionId, String sealedToken, Instant expiresAt) {
        return pool.preparedQuery(STORE_TOKEN)
                .execute(Tuple.of(sealedToken, Timestamps.utc(expiresAt), sessionId))
                .replaceWithVoid();
    }

    /** Holds a session's token refresh back until {@code until} (a failed attempt's backoff). */
    Uni<Void> leaseRefresh(UUID sessionId, Instant until) {
        return pool.preparedQuery(LEASE_REFRESH)
                .execute(Tuple.of(Timestamps.utc(until), sessionId))
                .replaceWithVoid();
    }

    /** Running sessions launched before {@code launchedBefore} that still have a pending instance. */
    Uni<List<UUID>> runningWithPendingInstances(Instant launchedBefore) {
        return pool.preparedQuery(PENDING_SINCE)
                .execute(Tuple.of(Timestamps.utc(launchedBefore)))
                .map(rows -> {
                    List<UUID> ids = new ArrayList<>();
                    rows.forEach(row -> ids.add(row.getUUID("id")));
                    return ids;
                });
    }

    /** Up to {@code limit} of a session's events after {@code afterId}, in order. */
    Uni<List<SessionEventView>> eventsAfter(UUID sessionId, long afterId, int limit) {
        return pool.preparedQuery(EVENTS_AFTER)
                .execute(Tuple.of(sessionId, afterId, limit))
                .map(rows -> {
                    List<SessionEventView> events = new ArrayList<>();
                    for (Row row : rows) {
                        JsonObject detail = (JsonObject) row.getJson("detail");
                        events.add(new SessionEventView(
                                row.getLong("id"),
                                sessionId,
                                row.getInteger("instance"),
                                row.getString("state"),
                                row.getString("reason"),
                                detail == null ? null : detail.getMap(),
                                row.getOffsetDateTime("occurred_at").toInstant()));
                    }
                    return events;
                });
    }

    /** How many sessions are queued or running and instances pending or running, all accounts together. */
    Uni<LiveCounts> liveCounts() {
        return pool.query(LIVE_COUNTS).execute().map(rows -> {
            Map<SessionState, Long> sessions = new EnumMap<>(SessionState.class);
            Map<InstanceState, Long> instances = new EnumMap<>(InstanceState.class);
            for (Row row : rows) {
                if ("s".equals(row.getString("kind"))) {
                    sessions.put(SessionState.valueOf(row.getString("state")), row.getLong("n"));
                } else {
                    instances.put(InstanceState.valueOf(row.getString("state")), row.getLong("n"));
                }
            }
            return new LiveCounts(sessions, instances);
        });
    }

    /** Leases up to {@code limit} sessions whose tracking comment is due and was not edited since {@code editedBefore}. */
    Uni<List<TrackingDue>> claimTrackingDue(Instant now, Instant editedBefore, Instant leaseUntil, int limit) {
        return pool.preparedQuery(CLAIM_TRACKING)
                .execute(Tuple.of(Timestamps.utc(leaseUntil), Timestamps.utc(editedBefore), Timestamps.utc(now), limit))
                .map(rows -> {
                    List<TrackingDue> due = new ArrayList<>();
                    for (Row row : rows) {
                        due.add(new TrackingDue(
                                row.getUUID("id"),
                                row.getString("account_id"),
                                row.getLong("installation_id"),
                                row.getString("repository"),
                                row.getInteger("trigger_issue"),
                                row.getLong("tracking_comment_id"),
                                instant(row, "created_at"),
                                instant(row, "tracking_due_at")));
                    }
                    return due;
                });
    }

    /** The tracking comment {@code commentId} now shows the session as it was at {@code asOf}. */
    Uni<Void> trackingWritten(UUID sessionId, long commentId, Instant editedAt, Instant asOf) {
        return pool.preparedQuery(TRACKING_WRITTEN)
                .execute(Tuple.of(sessionId, commentId, Timestamps.utc(editedAt), Timestamps.utc(asOf)))
                .replaceWithVoid();
    }

    /** Holds a tracking comment's edit back until {@code until} (a failed attempt's backoff). */
    Uni<Void> leaseTracking(UUID sessionId, Instant until) {
        return pool.preparedQuery(LEASE_TRACKING)
                .execute(Tuple.of(Timestamps.utc(until), sessionId))
                .replaceWithVoid();
    }

    /** The installation's spend since {@code since} (its day), and its instances' reservations. */
    Uni<DayUsage> dayUsage(long installationId, Instant since) {
        return pool.preparedQuery(String.format(DAY_USAGE, "s.installation_id = $1"))
                .execute(Tuple.of(installationId, Timestamps.utc(since)))
                .map(rows -> {
                    List<DayUsage> days = dayUsages(rows);
                    return days.isEmpty()
                            ? new DayUsage(installationId, BigDecimal.ZERO, BigDecimal.ZERO)
                            : days.get(0);
                });
    }

    /** The account's spend since {@code since}, by installation. */
    Uni<List<DayUsage>> dayUsageOfAccount(String accountId, Instant since) {
        return pool.preparedQuery(String.format(DAY_USAGE, "s.account_id = $1"))
                .execute(Tuple.of(accountId, Timestamps.utc(since)))
                .map(SessionRepository::dayUsages);
    }

    private static List<DayUsage> dayUsages(io.vertx.mutiny.sqlclient.RowSet<Row> rows) {
        List<DayUsage> days = new ArrayList<>();
        for (Row row : rows) {
            days.add(new DayUsage(
                    row.getLong("installation_id"), row.getBigDecimal("spent"), row.getBigDecimal("reserved")));
        }
        return days;
    }

    /** A detached session (read here, written only through the ORM's locked reads). */
    private static Session session(Row row) {
        Session s = new Session();
        s.id = row.getUUID("id");
        s.slug = row.getString("slug");
        s.accountId = row.getString("account_id");
        s.installationId = row.getLong("installation_id");
        s.repository = row.getString("repository");
        s.state = SessionState.valueOf(row.getString("state"));
        s.reason = row.getString("reason");
        s.sourceBranch = row.getString("source_branch");
        s.prBase = row.getString("pr_base");
        s.branchBase = row.getString("branch_base");
        s.promptFile = row.getString("prompt_file");
        s.prompt = row.getString("prompt");
        s.instanceCount = row.getInteger("instance_count");
        s.agentImage = row.getString("agent_image");
        s.agentImageName = row.getString("agent_image_name");
        s.timeoutMinutes = row.getInteger("timeout_minutes");
        s.maxTurns = row.getInteger("max_turns");
        s.budgetUsd = row.getBigDecimal("budget_usd");
        s.model = row.getString("model");
        s.pickedInstance = row.getInteger("picked_instance");
        s.recoveredFrom = row.getUUID("recovered_from");
        s.triggerIssue = row.getInteger("trigger_issue");
        s.createdAt = instant(row, "created_at");
        s.launchedAt = instant(row, "launched_at");
        s.finishedAt = instant(row, "finished_at");
        return s;
    }

    private static SessionInstance instance(UUID sessionId, Row row) {
        SessionInstance i = new SessionInstance();
        i.sessionId = sessionId;
        i.index = row.getInteger("index");
        i.state = InstanceState.valueOf(row.getString("i_state"));
        i.reason = row.getString("i_reason");
        i.branch = row.getString("branch");
        i.headCommit = row.getString("head_commit");
        i.pushed = row.getBoolean("pushed");
        i.exitCode = row.getInteger("exit_code");
        i.costUsd = row.getBigDecimal("cost_usd");
        i.turns = row.getInteger("turns");
        i.filesChanged = row.getInteger("files_changed");
        i.insertions = row.getInteger("insertions");
        i.deletions = row.getInteger("deletions");
        i.testsChanged = row.getBoolean("tests_changed");
        i.summary = row.getString("summary");
        i.prNumber = row.getInteger("pr_number");
        i.prUrl = row.getString("pr_url");
        i.startedAt = instant(row, "started_at");
        i.finishedAt = instant(row, "i_finished_at");
        return i;
    }

    private static Instant instant(Row row, String column) {
        var value = row.getOffsetDateTime(column);
        return value == null ? null : value.toInstant();
    }
}
