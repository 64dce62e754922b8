package dev.para.dispatch.session;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.para.dispatch.kubernetes.SessionJobBuilder;
import dev.para.dispatch.testing.Db;
import dev.para.dispatch.testing.GitHubFake;
import dev.para.dispatch.testing.GitHubStubs;
import dev.para.dispatch.testing.KubernetesMock;
import dev.para.dispatch.testing.LogScan;
import dev.para.dispatch.testing.SessionFixtures;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** No session is launched twice and no PR opened twice: after crashes, and with launchers racing. */
@QuarkusTest
class SessionExactlyOnceTest {

    @GitHubFake.Inject
    WireMockServer github;

    @Inject
    SessionLauncher launcher;

    @Inject
    PullRequestPublisher publisher;

    /** Runs the work on a Vert.x context of its own, as the service's callers do. */
    static <T> T onContext(java.util.function.Supplier<Uni<T>> work) {
        try {
            return io.quarkus.vertx.VertxContextSupport.subscribeAndAwait(work);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /** The same work started at once from several threads, each on its own context. */
    static <T> List<T> racing(int n, java.util.function.Supplier<Uni<T>> work) {
        var pool = java.util.concurrent.Executors.newFixedThreadPool(n);
        try {
            var start = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<T>> futures = IntStream.range(0, n)
                    .mapToObj(i -> pool.submit(() -> {
                        start.await();
                        return onContext(work);
                    }))
                    .toList();
            start.countDown();
            return futures.stream()
                    .map(fu -> {
                        try {
                            return fu.get(30, java.util.concurrent.TimeUnit.SECONDS);
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    })
                    .toList();
        } finally {
            pool.shutdownNow();
        }
    }

    /** As if the launcher died after creating the Job and before recording it. */
    private static void forgetLaunch(UUID id) {
        Db.query(
                "UPDATE sessions SET state = 'QUEUED', job_name = NULL, launched_at = NULL,"
                        + " launch_claimed_until = NULL WHERE id = ?",
                id);
        Db.query("UPDATE session_instances SET state = 'QUEUED' WHERE session_id = ?", id);
    }

    private static List<String> jobsOf(UUID id) {
        return KubernetesMock.client()
                .batch()
                .v1()
                .jobs()
                .withLabel(SessionJobBuilder.SESSION_LABEL, id.toString())
                .list()
                .getItems()
                .stream()
                .map(j -> j.getMetadata().getUid())
                .toList();
    }

    @Test
    void aLaunchRetriedAfterACrashFindsTheJobInsteadOfMakingASecond() {
        SessionFixtures f = SessionFixtures.linked(github);
        UUID id = f.create(2, "Crash test");
        SessionLifecycleTest.awaitSession(f, id, "RUNNING");
        List<String> before = jobsOf(id);
        assertEquals(1, before.size());

        forgetLaunch(id);
        // this call, or the launch sweep (every second in tests) that may claim the session first:
        // either way the retry must find the Job the first launch made
        boolean launched = onContext(() -> launcher.launch(id));
        SessionLifecycleTest.awaitSession(f, id, "RUNNING");

        assertEquals(
                true,
                launched || Db.count("SELECT count(*) FROM sessions WHERE id = ? AND launched_at IS NOT NULL", id) == 1,
                "relaunched by this call or by the sweep");
        assertEquals(before, jobsOf(id), "a second Job was made, or the first replaced");
        SessionLifecycleTest.awaitSession(f, id, "RUNNING");
    }

    @Test
    void launchersRacingForOneSessionLaunchItOnce() {
        SessionFixtures f = SessionFixtures.linked(github);
        UUID id = f.create(1, "Race");
        SessionLifecycleTest.awaitSession(f, id, "RUNNING");
        forgetLaunch(id);

        List<Boolean> results = racing(8, () -> launcher.launch(id));

        assertEquals(1, results.stream().filter(b -> b).count(), "claimed by more than one launcher: " + results);
        assertEquals(1, jobsOf(id).size());
        SessionLifecycleTest.awaitSession(f, id, "RUNNING");
    }

    @Test
    void aPullRequestIsNeverOpenedTwiceForABranch() {
        SessionFixtures f = SessionFixtures.linked(github);
        String pulls = "/repos/" + f.owner + "/" + f.repo + "/pulls";
        github.stubFor(get(urlPathEqualTo(pulls))
                .willReturn(aResponse()
                        .withStatus(200)
                        .withHeader("Content-Type", "application/json")
                        .withBody("[]")));
        github.stubFor(post(urlPathEqualTo(pulls))
                .willReturn(aResponse()
                        .withStatus(201)
                        .withFixedDelay(300)
                        .withHeader("Content-Type", "application/json")
                        .withBody(GitHubStubs.fixture("pull-created"))));
        UUID id = f.create(1, "Publish once");
        SessionLifecycleTest.awaitSession(f, id, "RUNNING");
        // The instance ended having pushed, as the tracker would record it; publishers race for it
        // (these calls, and the sweep of this replica).
        Db.query("UPDATE session_instances SET state = 'SUCCEEDED', pushed = true WHERE session_id = ?", id);

        List<Boolean> results = racing(6, () -> publisher.publish(id, 1));

        assertTrue(results.stream().filter(b -> b).count() <= 1, "claimed more than once: " + results);
        awaitPrUrl(id);
        github.verify(1, postRequestedFor(urlPathEqualTo(pulls)));

        // A crash after GitHub made the PR but before we stored it: the retry finds the open PR.
        github.stubFor(get(urlPathEqualTo(pulls))
                .willReturn(aResponse()
                        .withStatus(200)
                        .withHeader("Content-Type", "application/json")
                        .withBody(GitHubStubs.fixture("pulls-list"))));
        Db.query("UPDATE session_instances SET pr_url = NULL, pr_number = NULL WHERE session_id = ?", id);
        onContext(() -> publisher.publish(id, 1));
        awaitPrUrl(id);
        github.verify(1, postRequestedFor(urlPathEqualTo(pulls)));
    }

    private static void awaitPrUrl(UUID id) {
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .until(() -> "https://github.com/octocat/Hello-World/pull/1347"
                        .equals(Db.query("SELECT pr_url FROM session_instances WHERE session_id = ?", id)
                                .get(0)
                                .get("pr_url")));
    }

    @Test
    void theSessionTokenReachesNeitherTheJobNorTheEntrypointNorAnyLogLine() {
        SessionFixtures f = SessionFixtures.linked(github);
        UUID id = f.create(1, "Keep it secret");
        SessionLifecycleTest.awaitSession(f, id, "RUNNING");
        var secret = KubernetesMock.client()
                .secrets()
                .withName(SessionJobBuilder.jobName(id))
                .get();
        String token = new String(
                Base64.getDecoder().decode(secret.getData().get(SessionJobBuilder.TOKEN_KEY)), StandardCharsets.UTF_8);
        var job = KubernetesMock.client()
                .batch()
                .v1()
                .jobs()
                .withName(SessionJobBuilder.jobName(id))
                .get();
        String jobYaml = io.fabric8.kubernetes.client.utils.Serialization.asYaml(job);
        assertEquals(false, jobYaml.contains(token));
        job.getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getEnv()
                .forEach(e -> assertEquals(false, String.valueOf(e.getValue()).contains(token), e.getName()));
        String configMap = job.getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(v -> v.getConfigMap() != null)
                .findFirst()
                .orElseThrow()
                .getConfigMap()
                .getName();
        assertEquals(
                false,
                io.fabric8.kubernetes.client.utils.Serialization.asYaml(KubernetesMock.client()
                                .configMaps()
                                .withName(configMap)
                                .get())
                        .contains(token));
        LogScan.assertNoSecrets(token);
    }
}
