package dev.para.dispatch.bench;

import static io.restassured.RestAssured.given;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.para.dispatch.kubernetes.SessionJobBuilder;
import dev.para.dispatch.testing.Db;
import dev.para.dispatch.testing.GitHubFake;
import dev.para.dispatch.testing.KubernetesMock;
import dev.para.dispatch.testing.Kubelet;
import dev.para.dispatch.testing.SessionFixtures;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.lang.management.ManagementFactory;
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
class SessionBench {

    static final Path RESULTS = Path.of("bench", "results", "sessions.txt");

    @GitHubFake.Inject
    WireMockServer github;

    static void report(String line) throws IOException {
        System.out.println("BENCH " + line);
        Files.createDirectories(RESULTS.getParent());
        Files.writeString(RESULTS, line + System.lineSeparator(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    static String percentiles(double[] millis) {
        Arrays.sort(millis);
        return String.format("p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms (n=%d)", at(millis, 0.50),
                at(millis, 0.90), at(millis, 0.99), millis[millis.length - 1], millis.length);
    }

    static double at(double[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }

    /** Create → Job created, as the service records it (launched_at is written right after the Job is made). */
    @Test
    void createToJob() throws Exception {
        int sessions = 400;
        List<UUID> ids = new ArrayList<>();
        SessionFixtures f = null;
        for (int i = 0; i < sessions; i++) {
            if (i % 3 == 0) {
                f = SessionFixtures.linked(github); // the test profile allows 3 sessions per installation
            }
            ids.add(f.create(1, "bench " + i));
            Thread.sleep(5);
        }
        org.awaitility.Awaitility.await().atMost(Duration.ofMinutes(2)).until(() -> Db.count(
                "SELECT count(*) FROM sessions WHERE id = ANY (?) AND launched_at IS NOT NULL", ids.toArray(UUID[]::new)) == sessions);
        double[] millis = Db.query("SELECT extract(epoch FROM launched_at - created_at) * 1000 AS ms FROM sessions"
                        + " WHERE id = ANY (?)", ids.toArray(UUID[]::new)).stream()
                .skip(20) // the first launches warm the JIT and the connections
                .mapToDouble(r -> ((Number) r.get("ms")).doubleValue()).toArray();
        report("session create -> Job created (mock API server): " + percentiles(millis));
    }

    /** GET /sessions/{id} at a fixed arrival rate; latency from each request's intended start. */
    @Test
    void getSessionAtAFixedRate() throws Exception {
        SessionFixtures f = SessionFixtures.linked(github);
        UUID id = f.create(3, "read me often");
        int rate = 1000;
        int seconds = 15;
        int port = ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
        Vertx vertx = Vertx.vertx();
        var client = vertx.createHttpClient(new io.vertx.core.http.HttpClientOptions().setKeepAlive(true),
                new io.vertx.core.http.PoolOptions().setHttp1MaxSize(64));
        String auth = f.bearer();
        int total = rate * seconds;
        double[] millis = new double[total];
        AtomicInteger failures = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(total);
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
        long intervalNanos = TimeUnit.SECONDS.toNanos(1) / rate;
        for (int i = 0; i < total; i++) {
            long intended = start + i * intervalNanos;
            long wait = intended - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            int n = i;
            client.request(io.vertx.core.http.HttpMethod.GET, port, "localhost", "/api/v1/sessions/" + id)
                    .compose(request -> request.putHeader("Authorization", auth).send()
                            .compose(response -> response.body().map(body -> response.statusCode())))
                    .onComplete(ar -> {
                        if (ar.failed() || ar.result() != 200) {
                            failures.incrementAndGet();
                        }
                        millis[n] = (System.nanoTime() - intended) / 1e6;
                        done.countDown();
                    });
        }
        done.await(60, TimeUnit.SECONDS);
        vertx.close();
        double[] measured = Arrays.copyOfRange(millis, rate * 2, total); // after two seconds of warm-up
        report("GET /api/v1/sessions/{id} at " + rate + " req/s for " + seconds + " s: " + percentiles(measured)
                + ", failures " + failures.get());
    }

    /** 1,000 running sessions whose pods the informers track; heap after the work, after a GC. */
    @Test
    void thousandRunningSessionsTracked() throws Exception {
        int sessions = 1000;
        SessionFixtures f = SessionFixtures.linked(github);
        List<UUID> ids = new ArrayList<>();
        var config = ConfigProvider.getConfig();
        try (Connection c = DriverManager.getConnection(config.getValue("quarkus.datasource.jdbc.url", String.class),
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
        long started = System.nanoTime();
        for (UUID id : ids) {
            KubernetesMock.client().batch().v1().jobs().resource(new JobBuilder().withNewMetadata()
                    .withName(SessionJobBuilder.jobName(id))
                    .withLabels(java.util.Map.of(SessionJobBuilder.MANAGED_BY_LABEL, SessionJobBuilder.MANAGED_BY,
                            SessionJobBuilder.COMPONENT_LABEL, "session", SessionJobBuilder.SESSION_LABEL, id.toString()))
                    .endMetadata().withNewSpec().withNewTemplate().withNewMetadata()
                    .withLabels(java.util.Map.of(SessionJobBuilder.MANAGED_BY_LABEL, SessionJobBuilder.MANAGED_BY,
                            SessionJobBuilder.COMPONENT_LABEL, "session", SessionJobBuilder.SESSION_LABEL, id.toString()))
                    .endMetadata().withNewSpec().addNewContainer().withName("agent").withImage("img").endContainer()
                    .endSpec().endTemplate().endSpec().build()).create();
            Kubelet.startPod(id, 1);
            Kubelet.running(id, 1);
        }
        org.awaitility.Awaitility.await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(200)).until(() ->
                Db.count("SELECT count(*) FROM session_instances WHERE session_id = ANY (?) AND state = 'RUNNING'",
                        ids.toArray(UUID[]::new)) == sessions);
        double seconds = (System.nanoTime() - started) / 1e9;
        System.gc();
        Thread.sleep(500);
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        report(String.format("%d running sessions tracked by one replica's informers: all RUNNING %.1f s after their"
                        + " pods were made; heap used after GC %d MB (whole test JVM: service, mock API server with"
                        + " %d Jobs and pods, GitHub fake)", sessions, seconds, heap / (1024 * 1024), sessions));
    }
}
