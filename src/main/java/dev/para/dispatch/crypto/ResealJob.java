package dev.para.dispatch.crypto;

import dev.para.dispatch.work.LeasedWorkRunner;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/**
 * Key rotation: re-seals every sealed column whose key id is not the active key, in small locked
 * batches, so that a retired key can be dropped from the ring once this has run. Values sealed
 * before rows were bound ({@code v1}) are re-sealed bound to their row and account too. It leases
 * nothing: each batch is locked ({@code FOR UPDATE SKIP LOCKED}) and re-sealed in one transaction,
 * so a crash rolls back and a rerun does the same again; the runner times and logs its passes.
 */
@ApplicationScoped
public class ResealJob {

    /**
     * A table with a sealed column, its key id column (null where the key id is read from the
     * value itself, {@code v2:<key id>:…}), the purpose its values are sealed for, and the SQL
     * expressions of a row's {@link Sealer.Binding} (its key as text, its account or '').
     */
    record SealedColumn(
            String table, String valueColumn, String keyColumn, String purpose, String row, String account) {}

    /** Every sealed column of the schema: a retired key may be dropped only when none holds it. */
    static final List<SealedColumn> SEALED_COLUMNS = List.of(
            new SealedColumn(
                    "installation_tokens",
                    "sealed_token",
                    "key_id",
                    "installation-token",
                    "installation_id::text || '/' || narrowing",
                    "''"),
            new SealedColumn("credentials", "sealed_value", "key_id", "credential", "name", "account_id"),
            new SealedColumn("sessions", "sealed_token", null, "session-token", "id::text", "account_id"),
            new SealedColumn("github_app", "sealed_private_key", null, "github-app-private-key", "app_id::text", "''"),
            new SealedColumn(
                    "github_app", "sealed_webhook_secret", null, "github-app-webhook-secret", "app_id::text", "''"),
            new SealedColumn(
                    "github_app", "sealed_client_secret", null, "github-app-client-secret", "app_id::text", "''"));

    private static final int BATCH = 100;

    private final Pool pool;
    private final Sealer sealer;
    private final LeasedWorkRunner runner;

    ResealJob(Pool pool, Sealer sealer, LeasedWorkRunner runner) {
        this.pool = pool;
        this.sealer = sealer;
        this.runner = runner;
    }

    @Scheduled(
            every = "${para.crypto.reseal-interval}",
            delayed = "30s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return runner.runPass("reseal", resealAll()).replaceWithVoid();
    }

    /** Re-seals every row not sealed with the active key; answers how many rows moved. */
    public Uni<Integer> resealAll() {
        String active = sealer.activeKeyId();
        Uni<Integer> total = Uni.createFrom().item(0);
        for (SealedColumn column : SEALED_COLUMNS) {
            total = total.flatMap(sum -> resealColumn(column, active, 0).map(n -> sum + n));
        }
        return total.invoke(n -> {
            if (n > 0) {
                Log.infof("Re-sealed %d secret(s) with key '%s'", n, active);
            }
        });
    }

    private Uni<Integer> resealColumn(SealedColumn c, String active, int doneSoFar) {
        return resealBatch(c, active)
                .flatMap(
                        n -> n < BATCH ? Uni.createFrom().item(doneSoFar + n) : resealColumn(c, active, doneSoFar + n));
    }

    private Uni<Integer> resealBatch(SealedColumn c, String active) {
        // ctid is stable while the row is locked, which makes one statement pair fit every table.
        String keyOf = c.keyColumn() != null ? c.keyColumn() : "split_part(" + c.valueColumn() + ", ':', 2)";
        String select = "SELECT ctid, " + c.valueColumn() + ", " + c.row() + ", " + c.account() + " FROM " + c.table()
                + " WHERE " + c.valueColumn() + " IS NOT NULL AND (" + keyOf + " <> $1 OR " + c.valueColumn()
                + " LIKE 'v1:%') LIMIT " + BATCH + " FOR UPDATE SKIP LOCKED";
        String update = c.keyColumn() != null
                ? "UPDATE " + c.table() + " SET " + c.valueColumn() + " = $1, " + c.keyColumn()
                        + " = $2 WHERE ctid = $3::tid"
                : "UPDATE " + c.table() + " SET " + c.valueColumn() + " = $1 WHERE ctid = $2::tid";
        return pool.withTransaction(conn -> conn.preparedQuery(select)
                .execute(Tuple.of(active))
                .flatMap(rows -> {
                    List<Tuple> updates = new ArrayList<>();
                    for (Row row : rows) {
                        Sealer.Binding where = new Sealer.Binding(row.getString(2), row.getString(3));
                        String resealed =
                                sealer.seal(sealer.open(row.getString(1), c.purpose(), where), c.purpose(), where);
                        String ctid = row.getValue(0).toString();
                        updates.add(
                                c.keyColumn() != null ? Tuple.of(resealed, active, ctid) : Tuple.of(resealed, ctid));
                    }
                    return updates.isEmpty()
                            ? Uni.createFrom().item(0)
                            : conn.preparedQuery(update).executeBatch(updates).replaceWith(updates.size());
                }));
    }
}
