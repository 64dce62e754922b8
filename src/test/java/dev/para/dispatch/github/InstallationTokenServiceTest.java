package dev.para.dispatch.github;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.para.dispatch.crypto.Sealer;
import dev.para.dispatch.testing.Db;
import dev.para.dispatch.testing.GitHubFake;
import dev.para.dispatch.testing.GitHubStubs;
import dev.para.dispatch.testing.LogScan;
import dev.para.dispatch.testing.TestClock;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
class InstallationTokenServiceTest {

    @GitHubFake.Inject
    WireMockServer github;

    @Inject
    InstallationTokenService tokens;

    @Inject
    Sealer sealer;

    static final TokenNarrowing HELLO = TokenNarrowing.repository("Hello-World", TokenNarrowing.SESSION_PERMISSIONS);

    @Inject
    RateLimits rateLimits;

    @AfterEach
    void reset() {
        TestClock.reset();
        rateLimits.forgetAll().await().atMost(Duration.ofSeconds(10)); // the rate limits some tests meet
    }

    static long newInstallation() {
        return ThreadLocalRandom.current().nextLong(1_000_000, Long.MAX_VALUE / 2);
    }

    static String newToken() {
        StringBuilder token = new StringBuilder("ghs_");
        for (int i = 0; i < 36; i++) {
            token.append("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                    .charAt(ThreadLocalRandom.current().nextInt(62)));
        }
        return token.toString();
    }

    /** GitHub's documented 201 answer, with our token and expiry. */
    static String tokenAnswer(String token, Instant expiresAt) {
        return GitHubStubs.tokenAnswer(token, expiresAt);
    }

    static String tokensPath(long installation) {
        return GitHubStubs.tokensPath(installation);
    }

    /** The sealed copy of a minted token is written in the background, right after the callers got it. */
    static void awaitStored(long installation) {
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() ->
                        Db.count("SELECT count(*) FROM installation_tokens WHERE installation_id = ?", installation)
                                == 1);
    }

    void stubMint(long installation, String token, Instant expiresAt, int delayMillis) {
        github.stubFor(post(urlEqualTo(tokensPath(installation)))
                .willReturn(aResponse()
                        .withStatus(201)
                        .withHeader("Content-Type", "application/json; charset=utf-8")
                        .withFixedDelay(delayMillis)
                        .withBody(tokenAnswer(token, expiresAt))));
    }

    @Test
    void mintsANarrowedTokenWithTheAppJwt() {
        long installation = newInstallation();
        String token = newToken();
        stubMint(installation, token, Instant.now().plus(Duration.ofHours(1)), 0);

        InstallationToken minted = tokens.token(installation, HELLO).await().atMost(Duration.ofSeconds(10));

        assertEquals(token, minted.token());
        github.verify(
                1,
                postRequestedFor(urlEqualTo(tokensPath(installation)))
                        .withHeader(
                                "Authorization", matching("Bearer ey[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+"))
                        .withHeader("Accept", equalTo("application/vnd.github+json"))
                        .withHeader("X-GitHub-Api-Version", equalTo("2022-11-28"))
                        .withRequestBody(equalToJson("{\"repositories\":[\"Hello-World\"],"
                                + "\"permissions\":{\"contents\":\"write\",\"metadata\":\"read\"}}")));
        LogScan.assertNoSecrets(token);
    }

    /**
     * A cached token GitHub refuses (401) is forgotten, in memory and in PostgreSQL, and the call is
     * made once more with a new one; when GitHub refuses that too, the caller gets GitHub's refusal.
     */
    @Test
    void aRefusedTokenIsMintedAnewOnceThenTheRefusalIsTheCallers() {
        long installation = newInstallation();
        String revoked = newToken();
        String fresh = newToken();
        github.stubFor(post(urlEqualTo(tokensPath(installation)))
                .inScenario("refused-" + installation)
                .whenScenarioStateIs(Scenario.STARTED)
                .willSetStateTo("second")
                .willReturn(aResponse()
                        .withStatus(201)
                        .withHeader("Content-Type", "application/json")
                        .withBody(tokenAnswer(revoked, Instant.now().plus(Duration.ofHours(1))))));
        github.stubFor(post(urlEqualTo(tokensPath(installation)))
                .inScenario("refused-" + installation)
                .whenScenarioStateIs("second")
                .willReturn(aResponse()
                        .withStatus(201)
                        .withHeader("Content-Type", "application/json")
                        .withBody(tokenAnswer(fresh, Instant.now().plus(Duration.ofHours(1))))));
        assertEquals(
                revoked,
                tokens.token(installation, HELLO)
                        .await()
                        .atMost(Duration.ofSeconds(10))
                        .token());
        awaitStored(installation);

        List<String> offered = new java.util.concurrent.CopyOnWriteArrayList<>();
        String answer = tokens.withToken(installation, HELLO, token -> {
                    offered.add(token.token());
                    return token.token().equals(revoked)
                            ? io.smallrye.mutiny.Uni.createFrom()
                                    .failure(new GitHubException(GitHubError.BAD_CREDENTIALS, "Bad credentials", null))
                            : io.smallrye.mutiny.Uni.createFrom().item("answered");
                })
                .await()
                .atMost(Duration.ofSeconds(10));

        assertEquals("answered", answer);
        assertEquals(List.of(revoked, fresh), offered);
        assertEquals(
                fresh,
                tokens.token(installation, HELLO)
                        .await()
                        .atMost(Duration.ofSeconds(10))
                        .token(),
                "the new token is the one cached");

        offered.clear();
        GitHubException refused = assertThrows(
                GitHubException.class,
                () -> tokens.withToken(installation, HELLO, token -> {
                            offered.add(token.token());
                            return io.smallrye.mutiny.Uni.createFrom()
                                    .<String>failure(
                                            new GitHubException(GitHubError.BAD_CREDENTIALS, "Bad credentials", null));
                        })
                        .await()
                        .atMost(Duration.ofSeconds(10)));
        assertEquals(GitHubError.BAD_CREDENTIALS, refused.error());
        assertEquals(2, offered.size(), "one new mint, then no more: " + offered.size());
        github.verify(3, postRequestedFor(urlEqualTo(tokensPath(installation))));
    }

    @Test
    void aBurstOfConcurrentRequestsMakesOneUpstreamMint() throws Exception {
        long installation = newInstallation();
        String token = newToken();
        stubMint(installation, token, Instant.now().plus(Duration.ofHours(1)), 300);
        ExecutorService threads = Executors.newFixedThreadPool(50);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<CompletableFuture<InstallationToken>> answers = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                answers.add(CompletableFuture.supplyAsync(
                                () -> {
                                    try {
                                        start.await();
                                    } catch (InterruptedException e) {
                                        throw new IllegalStateException(e);
                                    }
                                    return tokens.tokenAsync(
                                            installation,
                                            TokenNarrowing.repository(
                                                    "Hello-World", Map.of("metadata", "read", "contents", "write")));
                                },
                                threads)
                        .thenCompose(f -> f));
            }
            start.countDown();
            for (CompletableFuture<InstallationToken> answer : answers) {
                assertEquals(token, answer.get(10, TimeUnit.SECONDS).token());
            }
        } finally {
            threads.shutdownNow();
        }
        github.verify(1, postRequestedFor(urlEqualTo(tokensPath(installation))));
    }

    @Test
    void tokensAreStoredSealedAndReusedAfterARestart() {
        long installation = newInstallation();
        String token = newToken();
        stubMint(installation, token, Instant.now().plus(Duration.ofHours(1)), 0);
        tokens.token(installation, HELLO).await().atMost(Duration.ofSeconds(10));

        awaitStored(installation);
        var row = Db.query("SELECT * FROM installation_tokens WHERE installation_id = ?", installation)
                .get(0);
        String sealed = (String) row.get("sealed_token");
        assertFalse(sealed.contains(token), "the token is not stored in the clear");
        assertEquals("k2", row.get("key_id"));
        assertEquals(HELLO.key(), row.get("narrowing"));
        assertEquals(
                token,
                sealer.open(
                        sealed,
                        InstallationTokenService.PURPOSE,
                        new Sealer.Binding(installation + "/" + HELLO.key(), "")));
        assertEquals(
                0, Db.count("SELECT count(*) FROM installation_tokens WHERE sealed_token LIKE '%' || ? || '%'", token));

        tokens.invalidate(installation, HELLO); // as after a restart: nothing in memory
        assertEquals(
                token,
                tokens.token(installation, HELLO)
                        .await()
                        .atMost(Duration.ofSeconds(10))
                        .token());
        github.verify(1, postRequestedFor(urlEqualTo(tokensPath(installation))));
    }

    @Test
    void aTokenIsReplacedWithinTheRefreshBufferBeforeItExpires() {
        long installation = newInstallation();
        String first = newToken();
        Instant firstExpiry = Instant.now().plus(Duration.ofHours(1));
        stubMint(installation, first, firstExpiry, 0);
        InstallationToken a = tokens.token(installation, HELLO).await().atMost(Duration.ofSeconds(10));
        assertSame(a, tokens.token(installation, HELLO).await().atMost(Duration.ofSeconds(10)), "a cache hit");

        String second = newToken();
        stubMint(installation, second, firstExpiry.plus(Duration.ofHours(1)), 0);
        TestClock.advance(Duration.ofMinutes(54)); // 6 minutes left: still outside the 5 minute buffer
        assertEquals(
                first,
                tokens.token(installation, HELLO)
                        .await()
                        .atMost(Duration.ofSeconds(10))
                        .token());
        TestClock.advance(Duration.ofMinutes(2)); // 4 minutes left: inside the buffer
        assertEquals(
                second,
                tokens.token(installation, HELLO)
                        .await()
                        .atMost(Duration.ofSeconds(10))
                        .token());
        github.verify(2, postRequestedFor(urlEqualTo(tokensPath(installation))));
    }

    @Test
    void revokingCallsGitHubWithTheTokenAndForgetsIt() {
        long installation = newInstallation();
        String token = newToken();
        stubMint(installation, token, Instant.now().plus(Duration.ofHours(1)), 0);
        github.stubFor(delete(urlEqualTo("/installation/token"))
                .withHeader("Authorization", equalTo("Bearer " + token))
                .willReturn(aResponse().withStatus(204)));
        tokens.token(installation, HELLO).await().atMost(Duration.ofSeconds(10));
        awaitStored(installation);

        tokens.revoke(installation, HELLO).await().atMost(Duration.ofSeconds(10));

        github.verify(
                1,
                deleteRequestedFor(urlEqualTo("/installation/token"))
                        .withHeader("Authorization", equalTo("Bearer " + token)));
        assertEquals(0, Db.count("SELECT count(*) FROM installation_tokens WHERE installation_id = ?", installation));
    }

    @Test
    void transientFailuresAreRetriedWithBackoff() {
        long installation = newInstallation();
        String token = newToken();
        String scenario = "flaky-" + installation;
        github.stubFor(post(urlEqualTo(tokensPath(installation)))
                .inScenario(scenario)
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(502).withBody("{\"message\":\"Server Error\"}"))
                .willSetStateTo("second"));
        github.stubFor(post(urlEqualTo(tokensPath(installation)))
                .inScenario(scenario)
                .whenScenarioStateIs("second")
                .willReturn(aResponse()
                        .withStatus(429)
                        .withHeader("Retry-After", "1")
                        .withBody("{\"message\":\"You have exceeded a secondary rate limit.\"}"))
                .willSetStateTo("third"));
        github.stubFor(post(urlEqualTo(tokensPath(installation)))
                .inScenario(scenario)
                .whenScenarioStateIs("third")
                .willReturn(aResponse()
                        .withStatus(201)
                        .withHeader("Content-Type", "application/json")
                        .withBody(tokenAnswer(token, Instant.now().plus(Duration.ofHours(1))))));

        long started = System.nanoTime();
        assertEquals(
                token,
                tokens.token(installation, HELLO)
                        .await()
                        .atMost(Duration.ofSeconds(20))
                        .token());
        assertTrue(
                System.nanoTime() - started >= Duration.ofSeconds(1).toNanos(), "the Retry-After second was honoured");
        github.verify(3, postRequestedFor(urlEqualTo(tokensPath(installation))));
    }

    @Test
    void gitHubErrorsAreClassifiedAndNotRetriedWhenPermanent() {
        assertError(404, Map.of(), "{\"message\":\"Not Found\"}", GitHubError.INSTALLATION_NOT_FOUND, 1);
        assertError(
                401,
                Map.of(),
                "{\"message\":\"A JSON web token could not be decoded\"}",
                GitHubError.BAD_CREDENTIALS,
                1);
        assertError(403, Map.of(), "{\"message\":\"This installation has been suspended\"}", GitHubError.SUSPENDED, 1);
        assertError(
                403,
                Map.of(),
                "{\"message\":\"Resource not accessible by integration\"}",
                GitHubError.INSUFFICIENT_PERMISSIONS,
                1);
        assertError(
                422,
                Map.of(),
                "{\"message\":\"There is at least one repository that does not exist or is not"
                        + " accessible to the parent installation.\"}",
                GitHubError.REPOSITORY_NOT_FOUND,
                1);
        // a primary rate limit that resets in an hour is not waited out: it fails at once, with the wait
        GitHubException limited = assertError(
                403,
                Map.of(
                        "X-RateLimit-Remaining",
                        "0",
                        "X-RateLimit-Reset",
                        String.valueOf(Instant.now().plusSeconds(3600).getEpochSecond()),
                        "Date",
                        java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(
                                java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC))),
                "{\"message\":\"API rate limit exceeded\"}",
                GitHubError.RATE_LIMITED,
                1);
        assertTrue(limited.retryAfter().orElseThrow().toMinutes() >= 59);
    }

    private GitHubException assertError(
            int status, Map<String, String> headers, String body, GitHubError expected, int expectedCalls) {
        long installation = newInstallation();
        var response = aResponse()
                .withStatus(status)
                .withHeader("Content-Type", "application/json")
                .withBody(body);
        headers.forEach(response::withHeader);
        github.stubFor(post(urlEqualTo(tokensPath(installation))).willReturn(response));
        GitHubException e = assertThrows(
                GitHubException.class,
                () -> tokens.token(installation, HELLO).await().atMost(Duration.ofSeconds(20)));
        assertEquals(expected, e.error(), e.getMessage());
        github.verify(expectedCalls, postRequestedFor(urlEqualTo(tokensPath(installation))));
        return e;
    }

    @Test
    void theLogNeverShowsTheAppKey() throws IOException {
        String pem = Files.readString(Path.of("src/test/resources/github/app-private-key-pkcs1.pem"));
        String[] lines = pem.split("\n");
        LogScan.assertNoSecrets(lines[1], lines[lines.length - 2], "It's a Secret to Everybody");
    }
}
