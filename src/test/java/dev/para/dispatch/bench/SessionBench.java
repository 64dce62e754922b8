package dev.para.dispatch.bench;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.restassured.RestAssured.given;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.para.dispatch.kubernetes.AgentSettings;
import dev.para.dispatch.kubernetes.KubernetesConfig;
import dev.para.dispatch.kubernetes.SessionJobBuilder;
import dev.para.dispatch.kubernetes.SessionLaunch;
import dev.para.dispatch.testing.Db;
import dev.para.dispatch.testing.GitHubFake;
import dev.para.dispatch.testing.GitHubStubs;
import dev.para.dispatch.testing.Kubelet;
import dev.para.dispatch.testing.KubernetesMock;
import dev.para.dispatch.testing.SessionFixtures;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Session benchmarks against the real application, the fabric8 mock API server and the GitHub
 * fake: create → Job latency, GET /sessions/{id} latency at a fixed 1,000 requests/s, and 1,000
 * running sessions tracked by the informers. Run with {@code bench/sessions.sh}; results are
 * written to {@code bench/results/sessions.txt}.
 */
@QuarkusTest
@Tag("bench")
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class SessionBench {

    static final Path RESULTS = Path.of("bench", "results", "sessions.txt");
    static final ObjectMapper JSON = new ObjectMapper();
    /** Sessions created before the create → Job runs, not counted: the JIT's and the pools' warm-up. */
    static final int WARM_UP_SESSIONS = 300;

    @GitHubFake.Inject
    WireMockServer github;

    @jakarta.inject.Inject
    KubernetesConfig kubernetesConfig;

    static void report(String line) throws IOException {
        System.out.println("BENCH " + line);
        Files.createDirectories(RESULTS.getParent());
        Files.writeString(RESULTS, line + System.lineSeparator(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(300);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    static double metric(String text, String prefix) {
        for (String line : text.split("\n")) {
            if (line.startsWith(prefix)) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }

    /** A PostgreSQL array literal of the ids, passed as one parameter. */
    static Object array(List<UUID> ids) {
        return "{" + String.join(",", ids.stream().map(UUID::toString).toList()) + "}";
    }

    static String percentiles(double[] millis) {
        Arrays.sort(millis);
        return String.format(
                "p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms (n=%d)",
                at(millis, 0.50), at(millis, 0.90), at(millis, 0.99), millis[millis.length - 1], millis.length);
    }

    static double at(double[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }

    /**
     * Create → Job created, as the service records it ({@code launched_at}, written once the Job
     * and its Secret are made). The load generator is kept light: a plain HTTP client, a GitHub
     * fake whose few stubs every installation shares (WireMock matches each request against every
     * stub), and a warm-up that is not counted, as the JIT of a long-running service has settled.
     */
    @Test
    @org.junit.jupiter.api.Order(2)
    void createToJob() throws Exception {
        String owner = "org-bench";
        github.stubFor(post(urlPathMatching("/app/installations/[0-9]+/access_tokens"))
                .willReturn(aResponse()
                        .withStatus(201)
                        .withHeader("Content-Type", "application/json")
                        .withBody(GitHubStubs.tokenAnswer(
                                "ghs_" + "b".repeat(36), java.time.Instant.now().plusSeconds(3600)))));
        GitHubStubs.stubRepository(github, owner, "hello-world", "main");
        // every account's GitHub user may push (the check is cached for 5 minutes per user and repository)
        github.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(
                        urlPathMatching("/repos/" + owner + "/hello-world/collaborators/[^/]+/permission"))
                .willReturn(aResponse()
                        .withStatus(200)
                        .withHeader("Content-Type", "application/json")
                        .withBody(GitHubStubs.fixture("collaborator-permission"))));
        github.stubFor(delete("/installation/token").willReturn(aResponse().withStatus(204)));
        HttpClient http = HttpClient.newHttpClient();
        createToJob(http, owner, WARM_UP_SESSIONS, 5, null);
        createToJob(http, owner, 400, 5, "back to back");
        createToJob(http, owner, 200, 100, "at 10 sessions/s");
        String metrics = given().get("/q/metrics").asString();
        StringBuilder breakdown = new StringBuilder("  where the time goes (mean per call, warm-up included):");
        for (String series : List.of(
                "para_github_request_seconds{operation=\"create_installation_token\",outcome=\"success\"",
                "para_github_request_seconds{operation=\"get_repository\",outcome=\"success\"",
                "para_kubernetes_request_seconds{operation=\"create_job\",outcome=\"success\"",
                "para_kubernetes_request_seconds{operation=\"apply_secret\",outcome=\"success\"")) {
            String name = series.substring(0, series.indexOf('{'));
            String labels = series.substring(series.indexOf('{'));
            double sum = metric(metrics, name + "_sum" + labels);
            double count = metric(metrics, name + "_count" + labels);
            breakdown.append(String.format(
                    " %s %.1f ms;",
                    labels.replaceAll(".*operation=\"([a-z_]+)\".*", "$1"), count == 0 ? 0 : sum / count * 1000));
        }
        report(breakdown.toString());
        probe(http);
    }

    /** What the fakes take themselves, at rest, from the test's own clients: the floor under the numbers above. */
    private void probe(HttpClient http) throws Exception {
        endEarlierSessions();
        var k8s = KubernetesMock.client();
        int calls = 200;
        long t0 = System.nanoTime();
        for (int i = 0; i < calls; i++) {
            k8s.secrets()
                    .resource(new SecretBuilder()
                            .withNewMetadata()
                            .withName("probe-" + i)
                            .endMetadata()
                            .build())
                    .create();
        }
        long t1 = System.nanoTime();
        for (int i = 0; i < calls; i++) {
            k8s.secrets().withName("probe-" + i).get();
        }
        long t2 = System.nanoTime();
        for (int i = 0; i < calls; i++) {
            http.send(
                    HttpRequest.newBuilder(URI.create(github.baseUrl() + "/repos/org-bench/hello-world"))
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
        }
        long t3 = System.nanoTime();
        for (int i = 0; i < calls; i++) {
            k8s.secrets().withName("probe-" + i).delete();
        }
        report(String.format(
                "  the fakes alone, at rest (mean of %d calls): mock API server create %.1f ms, get %.1f ms;"
                        + " GitHub fake GET %.1f ms",
                calls, (t1 - t0) / 1e6 / calls, (t2 - t1) / 1e6 / calls, (t3 - t2) / 1e6 / calls));
    }

    /**
     * The mock API server answers each request after a scan of every object it holds (unlike a
     * real one, which looks objects up by key), so its latency grows with what earlier runs left:
     * the sessions of an earlier run are ended the way a cluster ends them (their Jobs deleted,
     * the Secrets with them), and each run starts from a store of the same size.
     */
    private static void endEarlierSessions() throws InterruptedException {
        var k8s = KubernetesMock.client();
        k8s.batch()
                .v1()
                .jobs()
                .withLabel(SessionJobBuilder.MANAGED_BY_LABEL, SessionJobBuilder.MANAGED_BY)
                .delete();
        k8s.secrets()
                .withLabel(SessionJobBuilder.MANAGED_BY_LABEL, SessionJobBuilder.MANAGED_BY)
                .delete();
        Thread.sleep(3000); // the informers see the deletions and the service records them
    }

    /** Creates the sessions one after the other, {@code pauseMillis} apart; reports unless {@code pace} is null. */
    private void createToJob(HttpClient http, String owner, int sessions, long pauseMillis, String pace)
            throws Exception {
        endEarlierSessions();
        URI endpoint = URI.create("http://localhost:"
                + ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class) + "/api/v1/sessions");
        List<UUID> ids = new ArrayList<>();
        SessionFixtures f = null;
        for (int i = 0; i < sessions; i++) {
            if (i % 3 == 0) {
                f = SessionFixtures.inDatabase(owner); // the test profile allows 3 sessions per installation
            }
            HttpResponse<String> created = http.send(
                    HttpRequest.newBuilder(endpoint)
                            .header("Authorization", f.bearer())
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"repository\":\"" + f.repository()
                                    + "\",\"prompt\":\"bench " + i + "\",\"instances\":1}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (created.statusCode() != 202) {
                throw new IllegalStateException("create answered " + created.statusCode() + ": " + created.body());
            }
            ids.add(UUID.fromString(JSON.readTree(created.body()).get("id").asText()));
            Thread.sleep(pauseMillis);
        }
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofMinutes(2))
                .until(() -> Db.count(
                                "SELECT count(*) FROM sessions WHERE id = ANY (?::uuid[]) AND launched_at IS NOT NULL",
                                array(ids))
                        == sessions);
        if (pace == null) {
            return;
        }
        double[] millis = Db.query(
                        "SELECT extract(epoch FROM launched_at - created_at) * 1000 AS ms FROM sessions"
                                + " WHERE id = ANY (?::uuid[]) ORDER BY created_at",
                        array(ids))
                .stream()
                .mapToDouble(r -> ((Number) r.get("ms")).doubleValue())
                .toArray();
        report("session create -> Job created (mock API server), creates " + pace + ", after " + WARM_UP_SESSIONS
                + " not counted: " + percentiles(millis));
    }

    /** GET /sessions/{id} at a fixed arrival rate; latency from each request's intended start. */
    @Test
    @org.junit.jupiter.api.Order(1)
    void getSessionAtAFixedRate() throws Exception {
        SessionFixtures f = SessionFixtures.linked(github);
        UUID id = f.create(3, "read me often");
        int rate = 1000;
        int warmUpSeconds = 30;
        int seconds = warmUpSeconds + 20;
        int port = ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
        Vertx vertx = Vertx.vertx();
        var client = vertx.createHttpClient(
                new io.vertx.core.http.HttpClientOptions().setKeepAlive(true),
                new io.vertx.core.http.PoolOptions().setHttp1MaxSize(64));
        String auth = f.bearer();
        int total = rate * seconds;
        double[] millis = new double[total];
        AtomicInteger failures = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(total);
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
        long intervalNanos = TimeUnit.SECONDS.toNanos(1) / rate;
        // Open model: requests leave at their intended times whatever the answers do; the sender
        // catches up after any pause of its own (sleeping is coarser than the interval).
        int sent = 0;
        while (sent < total) {
            long due = Math.min(total, (System.nanoTime() - start) / intervalNanos + 1);
            for (; sent < due; sent++) {
                long intended = start + sent * intervalNanos;
                int n = sent;
                client.request(io.vertx.core.http.HttpMethod.GET, port, "localhost", "/api/v1/sessions/" + id)
                        .compose(request -> request.putHeader("Authorization", auth)
                                .send()
                                .compose(response -> response.body().map(body -> response.statusCode())))
                        .onComplete(ar -> {
                            if (ar.failed() || ar.result() != 200) {
                                failures.incrementAndGet();
                            }
                            millis[n] = (System.nanoTime() - intended) / 1e6;
                            done.countDown();
                        });
            }
            java.util.concurrent.locks.LockSupport.parkNanos(100_000);
        }
        done.await(60, TimeUnit.SECONDS);
        vertx.close();
        // The first seconds warm the JIT (the service is in JVM mode here) and are not counted.
        double[] measured = Arrays.copyOfRange(millis, rate * warmUpSeconds, total);
        report("GET /api/v1/sessions/{id} at " + rate + " req/s, " + (seconds - warmUpSeconds) + " s measured after "
                + warmUpSeconds + " s of warm-up: " + percentiles(measured)
                + ", failures " + failures.get());
    }

    /** A pod of the Job's template, with the status a kubelet reports for a running container. */
    private static Pod runningPod(Job job, String name) {
        var template = job.getSpec().getTemplate();
        return new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withLabels(template.getMetadata().getLabels())
                .addToLabels("batch.kubernetes.io/job-name", job.getMetadata().getName())
                .addToLabels(
                        "batch.kubernetes.io/controller-uid", job.getMetadata().getUid())
                .withAnnotations(java.util.Map.of(SessionJobBuilder.COMPLETION_INDEX_ANNOTATION, "0"))
                .addNewOwnerReference()
                .withApiVersion("batch/v1")
                .withKind("Job")
                .withName(job.getMetadata().getName())
                .withUid(job.getMetadata().getUid())
                .withController(true)
                .withBlockOwnerDeletion(true)
                .endOwnerReference()
                .endMetadata()
                .withSpec(template.getSpec())
                .editSpec()
                .withNodeName("node-1")
                .withHostname(name)
                .endSpec()
                .withNewStatus()
                .withPhase("Running")
                .withHostIP("10.0.0.11")
                .withPodIP("10.244.1.17")
                .withQosClass("Burstable")
                .withStartTime("2026-11-23T10:00:00Z")
                .addNewCondition()
                .withType("Initialized")
                .withStatus("True")
                .withLastTransitionTime("2026-11-23T10:00:00Z")
                .endCondition()
                .addNewCondition()
                .withType("Ready")
                .withStatus("True")
                .withLastTransitionTime("2026-11-23T10:00:05Z")
                .endCondition()
                .addNewCondition()
                .withType("ContainersReady")
                .withStatus("True")
                .withLastTransitionTime("2026-11-23T10:00:05Z")
                .endCondition()
                .addNewCondition()
                .withType("PodScheduled")
                .withStatus("True")
                .withLastTransitionTime("2026-11-23T10:00:00Z")
                .endCondition()
                .addNewContainerStatus()
                .withName(SessionJobBuilder.CONTAINER)
                .withImage("ghcr.io/acme/agent:1.0")
                .withImageID("ghcr.io/acme/agent@sha256:" + "0".repeat(64))
                .withContainerID("containerd://" + "1".repeat(64))
                .withReady(true)
                .withStarted(true)
                .withRestartCount(0)
                .withNewState()
                .withNewRunning()
                .withStartedAt("2026-11-23T10:00:04Z")
                .endRunning()
                .endState()
                .endContainerStatus()
                .endStatus()
                .build();
    }

    /** 1,000 running sessions whose pods the informers track; heap after the work, after a GC. */
    @Test
    @org.junit.jupiter.api.Order(3)
    void thousandRunningSessionsTracked() throws Exception {
        int sessions = 1000;
        // What the benches before left in the fakes is not the service's: the mock API server's
        // sessions are ended, and the GitHub fake forgets the requests it recorded.
        endEarlierSessions();
        github.resetRequests();
        SessionFixtures f = SessionFixtures.linked(github);
        List<UUID> ids = new ArrayList<>();
        var config = ConfigProvider.getConfig();
        try (Connection c = DriverManager.getConnection(
                config.getValue("quarkus.datasource.jdbc.url", String.class),
                config.getValue("quarkus.datasource.username", String.class),
                config.getValue("quarkus.datasource.password", String.class))) {
            c.setAutoCommit(false);
            try (PreparedStatement s = c.prepareStatement("INSERT INTO sessions (id, slug, account_id, installation_id,"
                            + " repository, source_branch, pr_base, branch_base, prompt, instance_count, agent_image,"
                            + " timeout_minutes, state, job_name, created_by, created_at, launched_at, updated_at, token_expires_at)"
                            + " VALUES (?, ?, ?, ?, ?, 'main', 'main', ?, 'bench', 1, 'img', 60, 'RUNNING', ?, 'bench', now(), now(),"
                            + " now(), now() + interval '1 hour')");
                    PreparedStatement i = c.prepareStatement("INSERT INTO session_instances (session_id, index, branch,"
                            + " state, updated_at) VALUES (?, 1, ?, 'PENDING', now())")) {
                for (int n = 0; n < sessions; n++) {
                    UUID id = UUID.randomUUID();
                    ids.add(id);
                    s.setObject(1, id);
                    s.setString(2, "bench-" + n);
                    s.setString(3, f.account);
                    s.setLong(4, f.installationId);
                    s.setString(5, f.repository());
                    s.setString(6, "para/bench-" + id);
                    s.setString(7, SessionJobBuilder.jobName(id));
                    s.addBatch();
                    i.setObject(1, id);
                    i.setString(2, "para/bench-" + id);
                    i.addBatch();
                }
                s.executeBatch();
                i.executeBatch();
                c.commit();
            }
        }
        github.resetRequests(); // the fake's request journal is not the service's memory
        long baseline = heapAfterGc();
        long started = System.nanoTime();
        // Objects as a cluster holds them: the Job the service builds, and its pod as the Job
        // controller and the kubelet make it (the whole pod spec, a running status).
        SessionJobBuilder builder = new SessionJobBuilder(kubernetesConfig);
        for (UUID id : ids) {
            Job job = KubernetesMock.client()
                    .batch()
                    .v1()
                    .jobs()
                    .resource(builder.job(
                            new SessionLaunch(
                                    id,
                                    "bench",
                                    f.repository(),
                                    "https://github.com/" + f.repository() + ".git",
                                    "main",
                                    "para/bench-" + id,
                                    1,
                                    "ghcr.io/acme/agent:1.0",
                                    60,
                                    30,
                                    null,
                                    null,
                                    "para-dispatch[bot]",
                                    "bot@users.noreply.github.com",
                                    "bench",
                                    java.util.Map.of(),
                                    null,
                                    AgentSettings.DEFAULTS,
                                    java.time.Instant.now()),
                            "para-entrypoint-bench"))
                    .create();
            KubernetesMock.client()
                    .pods()
                    .resource(runningPod(job, Kubelet.podName(id, 1)))
                    .create();
        }
        long made = System.nanoTime();
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofMinutes(5))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> Db.count(
                                "SELECT count(*) FROM session_instances WHERE session_id = ANY (?::uuid[]) AND state = 'RUNNING'",
                                array(ids))
                        == sessions);
        double seconds = (System.nanoTime() - started) / 1e9;
        double lag = (System.nanoTime() - made) / 1e9;
        github.resetRequests();
        long heap = heapAfterGc();
        report(String.format(
                "%d running sessions tracked by one replica's informers: all RUNNING %.1f s after the"
                        + " first Job was made (the test makes 2,000 objects one by one), %.2f s after the last pod; heap used after GC %d MB for the whole test JVM (service, mock API server"
                        + " holding the %d Jobs and pods, GitHub fake, earlier tests), %d MB more than before the sessions",
                sessions, seconds, lag, heap / (1024 * 1024), sessions, (heap - baseline) / (1024 * 1024)));
    }
}
