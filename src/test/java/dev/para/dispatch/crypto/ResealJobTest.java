package dev.para.dispatch.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
        Db.query("INSERT INTO installation_tokens (installation_id, narrowing, sealed_token, key_id, expires_at, minted_at)"
                        + " VALUES (?, 'repos=;perms=', ?, 'k1', now() + interval '1 hour', now())",
                installation, withOldKey.seal(token, "installation-token"));

        int moved = reseal.resealAll().await().atMost(Duration.ofSeconds(20));

        assertTrue(moved >= 1);
        var row = Db.query("SELECT sealed_token, key_id FROM installation_tokens WHERE installation_id = ?", installation).get(0);
        assertEquals("k2", row.get("key_id"));
        assertEquals("k2", Sealer.keyIdOf((String) row.get("sealed_token")));
        assertEquals(token, sealer.open((String) row.get("sealed_token"), "installation-token"));
        assertEquals(0, Db.count("SELECT count(*) FROM installation_tokens WHERE key_id <> 'k2'"));
    }
}
