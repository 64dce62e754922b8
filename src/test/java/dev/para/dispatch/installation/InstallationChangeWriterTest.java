package dev.para.dispatch.installation;

import static dev.para.dispatch.testing.Webhooks.example;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.para.dispatch.github.webhook.WebhookEvent;
import dev.para.dispatch.testing.Db;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * A burst of installation events written as one batch ends where the same events applied one at
 * a time end: the installation row, its grants and its audit trail.
 */
@QuarkusTest
class InstallationChangeWriterTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    InstallationWebhookHandler handler;

    @Test
    void aBatchEndsWhereOneAtATimeEnds() throws Throwable {
        long batched = newInstallationId();
        long alongside = newInstallationId();
        long oneByOne = newInstallationId();
        for (long id : List.of(batched, alongside, oneByOne)) {
            // known before and deleted since: the batch must undo the deletion where a created event says so
            run(() -> handler.handle(event("installation", created(id, "selected", repo(1, "o/one")))));
            run(() -> handler.handle(event("installation", action(id, "deleted"))));
        }

        List<WebhookEvent> interleaved = new ArrayList<>();
        List<WebhookEvent> first = burst(batched);
        List<WebhookEvent> second = burst(alongside);
        for (int k = 0; k < first.size(); k++) {
            interleaved.add(first.get(k));
            interleaved.add(second.get(k));
        }
        run(() -> handler.handleAll(interleaved));
        for (WebhookEvent event : burst(oneByOne)) {
            run(() -> handler.handle(event));
        }

        assertEquals(state(oneByOne), state(batched));
        assertEquals(state(oneByOne), state(alongside));
        assertNull(Db.query("SELECT deleted_at FROM github_installations WHERE installation_id = ?", batched)
                .get(0)
                .get("deleted_at"));
    }

    @Test
    void aBatchForUnknownInstallationsCreatesThem() throws Throwable {
        long batched = newInstallationId();
        long oneByOne = newInstallationId();
        run(() -> handler.handleAll(List.of(event(
                "installation_repositories",
                grants(batched, "added", "selected", List.of(repo(7, "o/seven")), List.of())))));
        run(() -> handler.handle(event(
                "installation_repositories",
                grants(oneByOne, "added", "selected", List.of(repo(7, "o/seven")), List.of()))));
        assertEquals(state(oneByOne), state(batched));
    }

    /** Grants replaced, changed, renamed, revoked and granted again, permissions and selection changed. */
    private static List<WebhookEvent> burst(long id) {
        return List.of(
                event(
                        "installation_repositories",
                        grants(id, "added", "selected", List.of(repo(2, "o/two")), List.of())),
                event("installation", created(id, "selected", repo(3, "o/three"), repo(4, "o/four"))),
                event(
                        "installation_repositories",
                        grants(id, "removed", "selected", List.of(), List.of(repo(3, "o/three")))),
                event(
                        "installation_repositories",
                        grants(
                                id,
                                "added",
                                "selected",
                                List.of(repo(5, "o/five"), repo(3, "o/three-renamed")),
                                List.of())),
                event(
                        "installation_repositories",
                        grants(
                                id,
                                "removed",
                                "selected",
                                List.of(repo(6, "o/six")),
                                List.of(repo(5, "o/five"), repo(4, "o/four")))),
                event("installation", permissionsAccepted(id)),
                event("installation_repositories", grants(id, "added", "all", List.of(repo(8, "o/eight")), List.of())));
    }

    private static ObjectNode created(long id, String selection, ObjectNode... repositories) {
        ObjectNode payload = example("installation.created");
        installation(payload, id).put("repository_selection", selection);
        ArrayNode list = payload.putArray("repositories");
        List.of(repositories).forEach(list::add);
        return payload;
    }

    private static ObjectNode action(long id, String action) {
        ObjectNode payload = example("installation." + action);
        installation(payload, id);
        return payload;
    }

    private static ObjectNode permissionsAccepted(long id) {
        ObjectNode payload = example("installation.new_permissions_accepted");
        ObjectNode installation = installation(payload, id);
        installation.put("app_slug", "");
        ((ObjectNode) installation.get("permissions")).put("pull_requests", "write");
        payload.remove("repositories");
        return payload;
    }

    private static ObjectNode grants(
            long id, String action, String selection, List<ObjectNode> added, List<ObjectNode> removed) {
        ObjectNode payload = example("installation_repositories.added");
        payload.put("action", action);
        installation(payload, id);
        payload.put("repository_selection", selection);
        payload.putArray("repositories_added").addAll(added);
        payload.putArray("repositories_removed").addAll(removed);
        return payload;
    }

    private static ObjectNode installation(ObjectNode payload, long id) {
        ObjectNode installation = (ObjectNode) payload.get("installation");
        installation.put("id", id);
        return installation;
    }

    private static ObjectNode repo(long id, String fullName) {
        return JSON.createObjectNode()
                .put("id", id)
                .put("name", fullName.substring(fullName.indexOf('/') + 1))
                .put("full_name", fullName)
                .put("private", id % 2 == 0);
    }

    private static WebhookEvent event(String event, ObjectNode payload) {
        return new WebhookEvent("test-" + ThreadLocalRandom.current().nextLong(), event, payload);
    }

    /** Everything about the installation but its id and timestamps: the row, the grants, the audit trail. */
    private static List<Object> state(long id) {
        var row = Db.query(
                        "SELECT account_id, github_account_id, github_account_login, github_account_type,"
                                + " repository_selection, permissions::text, array_to_string(events, ',') AS events, app_slug, suspended_at, deleted_at IS NULL AS live"
                                + " FROM github_installations WHERE installation_id = ?",
                        id)
                .get(0);
        var grants = Db.query(
                "SELECT repository_id, full_name, private FROM installation_repositories"
                        + " WHERE installation_id = ? ORDER BY repository_id",
                id);
        var audit = Db.query(
                "SELECT account_id, actor, action, details::text FROM audit_events"
                        + " WHERE object_type = 'installation' AND object_id = ? ORDER BY action, details::text",
                String.valueOf(id));
        return List.of(row.toString(), grants, audit);
    }

    private static long newInstallationId() {
        return ThreadLocalRandom.current().nextLong(1_000_000, Long.MAX_VALUE / 2);
    }

    private static void run(Supplier<Uni<?>> work) throws Throwable {
        VertxContextSupport.subscribeAndAwait(() -> work.get().replaceWithVoid());
    }
}
