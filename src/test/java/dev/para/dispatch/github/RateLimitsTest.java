package dev.para.dispatch.github;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import dev.para.dispatch.testing.Db;
import dev.para.dispatch.testing.GitHubFake;
import dev.para.dispatch.testing.GitHubStubs;
import dev.para.dispatch.testing.SessionFixtures;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * GitHub answering rate limits: the service remembers each one until its reset and calls nothing
 * into it; a session waits for the reset without spending its launch attempts, readiness data and
 * a metric say so, and the session launches once GitHub answers again.
 */
@QuarkusTest
class RateLimitsTest {

    @GitHubFake.Inject
    WireMockServer github;

    @Inject
    InstallationTokenService tokens;

    @Inject
    RateLimits rateLimits;

    @AfterEach
    void forgetTheLimits() {
        rateLimits.forgetAll().await().atMost(Duration.ofSeconds(10));
    }

    @Test
    void aRateLimitedMintIsNotRetriedIntoTheLimitAndTheSessionLaunchesAfterIt() {
        SessionFixtures f = SessionFixtures.linked(github);
        // the create's own read token, minted before GitHub starts refusing
        tokens.token(f.installationId, TokenNarrowing.repository(f.repo, TokenNarrowing.SERVICE_PERMISSIONS))
                .await()
                .atMost(Duration.ofSeconds(10));
        String mints = GitHubStubs.tokensPath(f.installationId);
        StubMapping limited = github.stubFor(post(urlEqualTo(mints))
                .atPriority(1)
                // a secondary limit: no Retry-After, no reset time (kept para.github.retry.secondary-limit-wait, 3 s in
                // tests)
                .willReturn(aResponse()
                        .withStatus(429)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"message\":\"You have exceeded a secondary rate limit.\"}")));
        int before = github.findAll(postRequestedFor(urlEqualTo(mints))).size();
        long started = System.nanoTime();

        UUID id = f.create(1, "Wait for the limit");
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> given().get("/q/health/ready")
                        .then()
                        .statusCode(200)
                        .body(
                                "checks.find { it.name == 'GitHub App credentials' }.data.github",
                                containsString("rate-limited until")));
        given().get("/q/metrics").then().body(containsString("para_github_rate_limited{scope=\"app\"} 1.0"));
        await().pollDelay(Duration.ofSeconds(9)).atMost(Duration.ofSeconds(11)).until(() -> true);
        int during = github.findAll(postRequestedFor(urlEqualTo(mints))).size() - before;
        double seconds = (System.nanoTime() - started) / 1e9;
        // one call per 3-second window at most (plus the one that met the limit), where the launch
        // sweep (every second in tests, retrying after 100 ms) would otherwise call once a second or more
        assertTrue(during >= 1 && during <= seconds / 3 + 2, during + " calls into the limit in " + seconds + " s");
        given().header("Authorization", f.bearer())
                .get("/api/v1/sessions/" + id)
                .then()
                .body("state", equalTo("QUEUED"));
        long attempts = ((Number) Db.query("SELECT launch_attempts FROM sessions WHERE id = ?", id)
                        .get(0)
                        .get("launch_attempts"))
                .longValue();
        assertTrue(attempts <= 1, "waiting for a rate limit spends no attempt: " + attempts);

        github.removeStub(limited);
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> given().header("Authorization", f.bearer())
                        .get("/api/v1/sessions/" + id)
                        .then()
                        .body("state", equalTo("RUNNING")));
    }
}
