package dev.para.dispatch.installation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.para.dispatch.audit.AuditLog;
import dev.para.dispatch.github.model.GitHubRepository;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes {@link InstallationChanges} in one transaction of five set-based statements, whatever
 * the number of deliveries folded into them: the installations upserted, the grants replaced or
 * changed, one audit event per delivery. Rows are written in installation order, the order of
 * every other writer of a batch, so two batches never wait for each other in a cycle.
 */
@ApplicationScoped
class InstallationChangeWriter {

    /**
     * Values GitHub left out ({@code null}) keep the stored ones; the stored row is read in the
     * same statement. {@code $10}: whether the events undo a deletion.
     */
    private static final String UPSERT = "INSERT INTO github_installations AS i (installation_id, github_account_id,"
            + " github_account_login, github_account_type, repository_selection, permissions, events, app_slug,"
            + " suspended_at, deleted_at, created_at, updated_at, installer_github_id)"
            + " SELECT u.id, coalesce(u.account_id, e.github_account_id), coalesce(u.login, e.github_account_login),"
            + " coalesce(u.account_type, e.github_account_type), coalesce(u.selection, e.repository_selection),"
            + " u.permissions::jsonb, ARRAY(SELECT jsonb_array_elements_text(u.events::jsonb)),"
            + " coalesce(u.app_slug, e.app_slug), u.suspended_at, CASE WHEN u.undelete THEN NULL ELSE e.deleted_at END,"
            + " coalesce(e.created_at, $11), $11, coalesce(u.installer, e.installer_github_id)"
            + " FROM unnest($1::int8[], $2::int8[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],"
            + "   $8::text[], $9::timestamptz[], $10::bool[], $12::int8[])"
            + "   AS u(id, account_id, login, account_type, selection, permissions, events, app_slug, suspended_at, undelete,"
            + "   installer)"
            + " LEFT JOIN github_installations e ON e.installation_id = u.id"
            + " ORDER BY u.id"
            + " ON CONFLICT (installation_id) DO UPDATE SET github_account_id = EXCLUDED.github_account_id,"
            + " github_account_login = EXCLUDED.github_account_login, github_account_type = EXCLUDED.github_account_type,"
            + " repository_selection = EXCLUDED.repository_selection, permissions = EXCLUDED.permissions,"
            + " events = EXCLUDED.events, app_slug = EXCLUDED.app_slug, suspended_at = EXCLUDED.suspended_at,"
            + " deleted_at = EXCLUDED.deleted_at, updated_at = EXCLUDED.updated_at,"
            + " installer_github_id = EXCLUDED.installer_github_id";

    private static final String DELETE_ALL_GRANTS =
            "DELETE FROM installation_repositories" + " WHERE installation_id = ANY($1::int8[])";
    private static final String DELETE_GRANTS = "DELETE FROM installation_repositories r"
            + " USING unnest($1::int8[], $2::int8[]) AS u(installation_id, repository_id)"
            + " WHERE r.installation_id = u.installation_id AND r.repository_id = u.repository_id";
    private static final String INSERT_GRANTS = "INSERT INTO installation_repositories"
            + " (installation_id, repository_id, full_name, private)"
            + " SELECT * FROM unnest($1::int8[], $2::int8[], $3::text[], $4::bool[]) ORDER BY 1, 2"
            + " ON CONFLICT (installation_id, repository_id) DO UPDATE SET full_name = EXCLUDED.full_name,"
            + " private = EXCLUDED.private";
    /** Ids from the sequence Hibernate allocates blocks of 50 from; a value it returns here is no block's. */
    private static final String AUDIT = "INSERT INTO audit_events"
            + " (id, occurred_at, account_id, actor, action, object_type, object_id, details)"
            + " SELECT nextval('audit_events_seq'), $4, i.account_id, '" + AuditLog.GITHUB + "', u.action, '"
            + InstallationService.OBJECT_TYPE + "', u.id::text,"
            + " coalesce(u.details::jsonb, jsonb_build_object('githubAccount', i.github_account_login))"
            + " FROM unnest($1::int8[], $2::text[], $3::text[]) WITH ORDINALITY AS u(id, action, details, n)"
            + " JOIN github_installations i ON i.installation_id = u.id ORDER BY u.n";

    private final Pool pool;
    private final ObjectMapper json;
    private final Clock clock;

    InstallationChangeWriter(Pool pool, ObjectMapper json, Clock clock) {
        this.pool = pool;
        this.json = json;
        this.clock = clock;
    }

    Uni<Void> write(InstallationChanges folded) {
        var changes = List.copyOf(folded.changes());
        if (changes.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
        return pool.withTransaction(connection -> upsert(connection, changes, now)
                .call(() -> replaceGrants(connection, changes))
                .call(() -> audit(connection, folded.audits(), now)));
    }

    private Uni<Void> upsert(SqlConnection connection, List<InstallationChanges.Change> changes, OffsetDateTime now) {
        int n = changes.size();
        Long[] ids = new Long[n];
        Long[] accountIds = new Long[n];
        String[] logins = new String[n];
        String[] accountTypes = new String[n];
        String[] selections = new String[n];
        String[] permissions = new String[n];
        String[] events = new String[n];
        String[] slugs = new String[n];
        OffsetDateTime[] suspended = new OffsetDateTime[n];
        Boolean[] undelete = new Boolean[n];
        Long[] installers = new Long[n];
        for (int k = 0; k < n; k++) {
            InstallationChanges.Change c = changes.get(k);
            ids[k] = c.installationId;
            accountIds[k] = c.account == null ? null : c.account.id();
            logins[k] = c.account == null ? null : c.account.login();
            accountTypes[k] = c.account == null ? null : c.accountType;
            selections[k] = c.selection;
            permissions[k] = toJson(c.permissions);
            events[k] = toJson(c.events);
            slugs[k] = c.appSlug;
            suspended[k] = c.suspendedAt == null ? null : c.suspendedAt.atOffset(ZoneOffset.UTC);
            undelete[k] = c.undelete;
            installers[k] = c.installer;
        }
        return connection
                .preparedQuery(UPSERT)
                .execute(Tuple.from(new Object[] {
                    ids,
                    accountIds,
                    logins,
                    accountTypes,
                    selections,
                    permissions,
                    events,
                    slugs,
                    suspended,
                    undelete,
                    now,
                    installers
                }))
                .replaceWithVoid();
    }

    private Uni<Void> replaceGrants(SqlConnection connection, List<InstallationChanges.Change> changes) {
        List<Long> replaced = new ArrayList<>();
        List<Long> revokedInstallations = new ArrayList<>();
        List<Long> revokedRepositories = new ArrayList<>();
        List<Long> grantInstallations = new ArrayList<>();
        List<GitHubRepository> granted = new ArrayList<>();
        for (InstallationChanges.Change c : changes) {
            if (c.replaceGrants) {
                replaced.add(c.installationId);
            } else {
                c.revoked.stream().filter(id -> !c.granted.containsKey(id)).forEach(id -> {
                    revokedInstallations.add(c.installationId);
                    revokedRepositories.add(id);
                });
            }
            c.granted.values().forEach(r -> {
                grantInstallations.add(c.installationId);
                granted.add(r);
            });
        }
        Uni<Void> deleted = Uni.createFrom().voidItem();
        if (!replaced.isEmpty()) {
            deleted = deleted.call(
                    () -> connection.preparedQuery(DELETE_ALL_GRANTS).execute(Tuple.of(replaced.toArray(Long[]::new))));
        }
        if (!revokedInstallations.isEmpty()) {
            deleted = deleted.call(() -> connection
                    .preparedQuery(DELETE_GRANTS)
                    .execute(Tuple.of(
                            revokedInstallations.toArray(Long[]::new), revokedRepositories.toArray(Long[]::new))));
        }
        if (granted.isEmpty()) {
            return deleted;
        }
        return deleted.call(() -> connection
                .preparedQuery(INSERT_GRANTS)
                .execute(Tuple.of(
                        grantInstallations.toArray(Long[]::new),
                        granted.stream().map(GitHubRepository::id).toArray(Long[]::new),
                        granted.stream().map(GitHubRepository::fullName).toArray(String[]::new),
                        granted.stream().map(GitHubRepository::isPrivate).toArray(Boolean[]::new))));
    }

    private Uni<Void> audit(SqlConnection connection, List<InstallationChanges.Audit> audits, OffsetDateTime now) {
        int n = audits.size();
        Long[] ids = new Long[n];
        String[] actions = new String[n];
        String[] details = new String[n];
        for (int k = 0; k < n; k++) {
            InstallationChanges.Audit a = audits.get(k);
            ids[k] = a.installationId();
            actions[k] = a.action();
            details[k] = a.details() == null ? null : toJson(a.details());
        }
        return connection
                .preparedQuery(AUDIT)
                .execute(Tuple.of(ids, actions, details, now))
                .replaceWithVoid();
    }

    private String toJson(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
