package dev.para.dispatch.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.para.dispatch.testing.Db;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ResealJobTest {

    @Inject
    ResealJob reseal;

    @Inject
    Sealer sealer;

    @Test
    void rowsSealedWithARetiredKeyMoveToTheActiveKey() {
        // k1 is the retired key of the test configuration, k2 the active one
        Sealer withOldKey = SealerTest.sealer(Map.of("k1", "dGVzdC1zZWFsaW5nLWtleS1udW1iZXItb25lLTMyYiE="), "k1");
        long installation = ThreadLocalRandom.current().nextLong(1_000_000, Long.MAX_VALUE / 2);
        String token = "ghs_" + Base64.getEncoder().encodeToString(new byte[18]).replace("=", "");
        Db.query(
                "INSERT INTO installation_tokens (installation_id, narrowing, sealed_token, key_id, expires_at, minted_at)"
                        + " VALUES (?, 'repos=;perms=', ?, 'k1', now() + interval '1 hour', now())",
                installation,
                withOldKey.seal(token, "installation-token"));

        int moved = reseal.resealAll().await().atMost(Duration.ofSeconds(20));

        assertTrue(moved >= 1);
        var row = Db.query(
                        "SELECT sealed_token, key_id FROM installation_tokens WHERE installation_id = ?", installation)
                .get(0);
        assertEquals("k2", row.get("key_id"));
        assertEquals("k2", Sealer.keyIdOf((String) row.get("sealed_token")));
        Sealer.Binding where = new Sealer.Binding(installation + "/repos=;perms=", "");
        assertEquals(token, sealer.open((String) row.get("sealed_token"), "installation-token", where));
        // re-sealed bound to its row: the same ciphertext does not open as another row's
        assertTrue(((String) row.get("sealed_token")).startsWith("v2:"));
        assertThrows(
                SealingException.class,
                () -> sealer.open(
                        (String) row.get("sealed_token"),
                        "installation-token",
                        new Sealer.Binding((installation + 1) + "/repos=;perms=", "")));
        assertEquals(0, Db.count("SELECT count(*) FROM installation_tokens WHERE key_id <> 'k2'"));
    }

    /** Columns whose key id is read from the value: the App the manifest flow stored, session tokens. */
    @Test
    void valuesThatNameTheirKeyMoveToo() {
        Sealer withOldKey = SealerTest.sealer(Map.of("k1", "dGVzdC1zZWFsaW5nLWtleS1udW1iZXItb25lLTMyYiE="), "k1");
        Db.query("DELETE FROM github_app");
        Db.query(
                "INSERT INTO github_app (app_id, slug, name, html_url, client_id, sealed_client_secret, sealed_webhook_secret,"
                        + " sealed_private_key) VALUES (7, 'reseal-app', 'Reseal', 'https://github.com/apps/reseal-app', 'Iv1.x', ?, NULL, ?)",
                withOldKey.seal("client-secret", "github-app-client-secret"),
                withOldKey.seal("pem", "github-app-private-key"));

        reseal.resealAll().await().atMost(Duration.ofSeconds(20));

        var row = Db.query("SELECT sealed_client_secret, sealed_private_key, sealed_webhook_secret FROM github_app")
                .get(0);
        assertEquals("k2", Sealer.keyIdOf((String) row.get("sealed_private_key")));
        Sealer.Binding app = new Sealer.Binding("7", "");
        assertEquals("pem", sealer.open((String) row.get("sealed_private_key"), "github-app-private-key", app));
        assertEquals(
                "client-secret",
                sealer.open((String) row.get("sealed_client_secret"), "github-app-client-secret", app));
        assertEquals(null, row.get("sealed_webhook_secret"));
        Db.query("DELETE FROM github_app");
    }
}
