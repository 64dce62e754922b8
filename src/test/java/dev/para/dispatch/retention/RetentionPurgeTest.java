package dev.para.dispatch.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.para.dispatch.testing.Db;
import dev.para.dispatch.testing.SessionFixtures;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What grows with use is deleted once past its retention, and nothing younger is touched. */
@QuarkusTest
class RetentionPurgeTest {

    @Inject
    RetentionPurge purge;

    @Test
    void rowsPastTheirRetentionAreDeletedAndYoungerOnesKept() {
        SessionFixtures f = SessionFixtures.inDatabase(
                "retention-" + UUID.randomUUID().toString().substring(0, 8));
        UUID ancient = session(f, "200 days", null);
        UUID old = session(f, "40 days", null);
        UUID recent = session(f, "1 day", ancient);
        UUID running = session(f, null, null);
        String oldAudit = "retention-" + UUID.randomUUID();
        String newAudit = "retention-" + UUID.randomUUID();
        Db.query(
                "INSERT INTO audit_events (id, occurred_at, actor, action, object_type, object_id)"
                        + " VALUES (nextval('audit_events_seq'), now() - interval '400 days', 'x', 'a', 'test', ?),"
                        + " (nextval('audit_events_seq'), now() - interval '300 days', 'x', 'a', 'test', ?)",
                oldAudit,
                newAudit);
        Db.query(
                "INSERT INTO installation_tokens (installation_id, narrowing, sealed_token, key_id, expires_at, minted_at)"
                        + " VALUES (?, 'expired', 'v1:k2:x', 'k2', now() - interval '2 hours', now() - interval '3 hours'),"
                        + " (?, 'live', 'v1:k2:x', 'k2', now() + interval '50 minutes', now())",
                f.installationId,
                f.installationId);
        String oldDelivery = UUID.randomUUID().toString();
        String pendingDelivery = UUID.randomUUID().toString();
        for (String delivery : new String[] {oldDelivery, pendingDelivery}) {
            Db.query(
                    "INSERT INTO webhook_deliveries (delivery_id, event, received_at) VALUES (?, 'ping', now() - interval '8 days')",
                    delivery);
        }
        Db.query(
                "INSERT INTO webhook_processing (delivery_id, received_at, processed_at, outcome) VALUES"
                        + " (?, now() - interval '8 days', now() - interval '8 days', 'processed'),"
                        + " (?, now() - interval '8 days', NULL, NULL)",
                oldDelivery,
                pendingDelivery);

        purge.purge().await().atMost(Duration.ofSeconds(30));

        assertEquals(0, Db.count("SELECT count(*) FROM sessions WHERE id = ?", ancient), "ended 200 days ago: gone");
        assertEquals(0, Db.count("SELECT count(*) FROM session_instances WHERE session_id = ?", ancient));
        assertEquals(1, Db.count("SELECT count(*) FROM sessions WHERE id = ?", old), "ended 40 days ago: kept");
        assertEquals(0, Db.count("SELECT count(*) FROM session_events WHERE session_id = ?", old), "its events: gone");
        assertEquals(1, Db.count("SELECT count(*) FROM session_events WHERE session_id = ?", recent));
        assertNull(
                Db.query("SELECT recovered_from FROM sessions WHERE id = ?", recent)
                        .get(0)
                        .get("recovered_from"),
                "a session recovered from a purged one keeps its own history");
        assertEquals(1, Db.count("SELECT count(*) FROM session_events WHERE session_id = ?", running));
        assertEquals(0, Db.count("SELECT count(*) FROM audit_events WHERE object_id = ?", oldAudit));
        assertEquals(1, Db.count("SELECT count(*) FROM audit_events WHERE object_id = ?", newAudit));
        assertEquals(
                1,
                Db.count("SELECT count(*) FROM installation_tokens WHERE installation_id = ?", f.installationId),
                "the live token stays");
        assertEquals(0, Db.count("SELECT count(*) FROM webhook_deliveries WHERE delivery_id = ?", oldDelivery));
        assertEquals(
                1,
                Db.count("SELECT count(*) FROM webhook_deliveries WHERE delivery_id = ?", pendingDelivery),
                "a delivery not yet processed is never purged");
    }

    /** A session of one instance with one event, ended {@code endedAgo} ago (null: still running). */
    private static UUID session(SessionFixtures f, String endedAgo, UUID recoveredFrom) {
        UUID id = UUID.randomUUID();
        String finished = endedAgo == null ? "NULL" : "now() - interval '" + endedAgo + "'";
        String recovered = recoveredFrom == null ? "NULL" : "'" + recoveredFrom + "'::uuid";
        Db.query(
                "INSERT INTO sessions (id, slug, account_id, installation_id, repository, source_branch, pr_base,"
                        + " branch_base, prompt, instance_count, agent_image, timeout_minutes, state, created_by, created_at,"
                        + " updated_at, finished_at, recovered_from) VALUES (?, ?, ?, ?, ?, 'main', 'main', ?, 'p', 1, 'img', 60, ?,"
                        + " 'x', now() - interval '300 days', now(), " + finished + ", " + recovered + ")",
                id,
                "s-" + id,
                f.account,
                f.installationId,
                f.repository(),
                "para/s-" + id,
                endedAgo == null ? "RUNNING" : "SUCCEEDED");
        Db.query(
                "INSERT INTO session_instances (session_id, index, branch, state, updated_at) VALUES (?, 1, ?, ?, now())",
                id,
                "para/s-" + id,
                endedAgo == null ? "RUNNING" : "SUCCEEDED");
        Db.query(
                "INSERT INTO session_events (session_id, state, occurred_at) VALUES (?, 'QUEUED', now() - interval '300 days')",
                id);
        return id;
    }
}
