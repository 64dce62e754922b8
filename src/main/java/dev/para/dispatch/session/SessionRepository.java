package dev.para.dispatch.session;

import dev.para.dispatch.Timestamps;
import dev.para.dispatch.api.ProblemException;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The session reads that skip the ORM, on the plain client: the API's hottest read (clients poll
 * a session), the pod lookups of streaming answers, and the launcher's claim. One mapping of a
 * row to a (detached) {@link Session} and {@link SessionInstance} serves them all.
 */
@ApplicationScoped
public class SessionRepository {

    /** A session's columns, as {@link #session(Row)} reads them. */
    private static final String SESSION_COLUMNS = "s.id, s.slug, s.account_id, s.installation_id, s.repository,"
            + " s.state, s.reason, s.source_branch, s.pr_base, s.branch_base, s.prompt_file, s.prompt,"
            + " s.instance_count, s.agent_image, s.agent_image_name, s.timeout_minutes, s.max_turns,"
            + " s.recovered_from, s.trigger_issue, s.created_at, s.launched_at, s.finished_at";

    private static final String GET = "SELECT " + SESSION_COLUMNS + ", i.index, i.state AS i_state,"
            + " i.reason AS i_reason, i.branch, i.head_commit, i.pushed, i.exit_code, i.cost_usd, i.turns,"
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

    private static final Duration BLOCKING_LOOKUP = Duration.ofSeconds(10);

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
