package dev.para.dispatch.playground;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/** The playground's SQL: its installation on the demo owner, linked to the dev account at start. */
@ApplicationScoped
class PlaygroundRepository {

    private static final String INSTALLATION = "INSERT INTO github_installations (installation_id, account_id,"
            + " github_account_id, github_account_login, github_account_type, repository_selection, permissions,"
            + " events, app_slug, created_at, updated_at)"
            + " VALUES ($1, $2, $1, $3, 'Organization', 'all',"
            + " '{\"contents\":\"write\",\"issues\":\"write\",\"metadata\":\"read\",\"pull_requests\":\"write\"}',"
            + " '{issue_comment,installation}', 'para-playground', now(), now())"
            + " ON CONFLICT (installation_id) DO UPDATE SET account_id = coalesce(github_installations.account_id,"
            + " excluded.account_id), deleted_at = NULL, suspended_at = NULL, updated_at = now()";

    private static final String IDENTITY = "INSERT INTO account_github_identities (account_id, github_user_id,"
            + " github_login, linked_at) VALUES ($1, $2, $3, now()) ON CONFLICT (account_id) DO NOTHING";

    private final Pool pool;

    PlaygroundRepository(Pool pool) {
        this.pool = pool;
    }

    /** The installation (all repositories of the owner) linked to the account, and the account's GitHub login. */
    Uni<Void> link(long installationId, String owner, String account, long userId, String login) {
        return pool.withTransaction(connection -> connection
                .preparedQuery(INSTALLATION)
                .execute(Tuple.of(installationId, account, owner))
                .flatMap(ignored -> connection.preparedQuery(IDENTITY).execute(Tuple.of(account, userId, login)))
                .replaceWithVoid());
    }
}
