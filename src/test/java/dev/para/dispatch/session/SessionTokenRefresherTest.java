package dev.para.dispatch.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.para.dispatch.kubernetes.SessionJobBuilder;
import dev.para.dispatch.testing.Db;
import dev.para.dispatch.testing.GitHubFake;
import dev.para.dispatch.testing.KubernetesMock;
import dev.para.dispatch.testing.SessionFixtures;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class SessionTokenRefresherTest {

    @GitHubFake.Inject
    WireMockServer github;

    @Inject
    SessionTokenRefresher refresher;

    @Test
    void aTokenExpiringWithinTheBufferIsReplacedInTheSecretAndOneOutsideIsNot() {
        SessionFixtures f = SessionFixtures.linked(github);
        UUID due = f.create(1, "Long job");
        UUID notDue = f.create(1, "Another long job");
        SessionLifecycleTest.awaitSession(f, due, "RUNNING");
        SessionLifecycleTest.awaitSession(f, notDue, "RUNNING");
        String dueToken = token(due);
        String notDueToken = token(notDue);
        Db.query(
                "UPDATE sessions SET token_expires_at = ? WHERE id = ?",
                Timestamp.from(Instant.now().plus(Duration.ofMinutes(4))),
                due);
        Db.query(
                "UPDATE sessions SET token_expires_at = ? WHERE id = ?",
                Timestamp.from(Instant.now().plus(Duration.ofMinutes(6))),
                notDue);

        int refreshed = refresher.refreshDue().await().atMost(Duration.ofSeconds(20));

        assertTrue(refreshed >= 1);
        String newToken = token(due);
        assertNotEquals(dueToken, newToken, "the Secret still holds the expiring token");
        assertTrue(newToken.startsWith("ghs_"));
        assertEquals(notDueToken, token(notDue), "a token with time left was replaced");
        Timestamp expires = (Timestamp) Db.query("SELECT token_expires_at FROM sessions WHERE id = ?", due)
                .get(0)
                .get("token_expires_at");
        assertTrue(expires.toInstant().isAfter(Instant.now().plus(Duration.ofMinutes(30))));
        // Claimed and done: a second pass finds nothing due for this session.
        refresher.refreshDue().await().atMost(Duration.ofSeconds(20));
        assertEquals(newToken, token(due));
    }

    static String token(UUID session) {
        String data = KubernetesMock.client()
                .secrets()
                .withName(SessionJobBuilder.jobName(session))
                .get()
                .getData()
                .get(SessionJobBuilder.TOKEN_KEY);
        return new String(Base64.getDecoder().decode(data), StandardCharsets.UTF_8);
    }
}
