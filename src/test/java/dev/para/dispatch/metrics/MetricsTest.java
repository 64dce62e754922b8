package dev.para.dispatch.metrics;

import static dev.para.dispatch.testing.Webhooks.deliver;
import static dev.para.dispatch.testing.Webhooks.exampleFor;
import static dev.para.dispatch.testing.Webhooks.newDeliveryId;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.para.dispatch.testing.GitHubFake;
import dev.para.dispatch.testing.Kubelet;
import dev.para.dispatch.testing.SessionFixtures;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;

/**
 * The metrics of docs/operations.md are the metrics {@code /q/metrics} exports: every documented
 * name with its type (histograms with their buckets and labels), after a whole session has run.
 */
@QuarkusTest
class MetricsTest {

    private static final Pattern ROW = Pattern.compile("^\\| `([a-z_]+)` \\| (histogram|counter|gauge) \\| ([^|]*)\\|");
    private static final Pattern LABEL = Pattern.compile("`([a-z_]+)`");

    /** What SREs need histograms for (issue: HTTP, GitHub, Kubernetes, tokens, launch, duration). */
    private static final Set<String> REQUIRED_HISTOGRAMS = Set.of(
            "http_server_requests_seconds",
            "para_github_request_seconds",
            "para_kubernetes_request_seconds",
            "para_token_mint_seconds",
            "para_token_refresh_seconds",
            "para_session_launch_seconds",
            "para_session_duration_seconds");

    @GitHubFake.Inject
    WireMockServer github;

    record Documented(String name, String type, List<String> labels) {}

    @Test
    void everyDocumentedMetricIsExportedWithItsTypeBucketsAndLabels() throws IOException {
        runOneSession();
        deliver("ping", newDeliveryId(), exampleFor("ping", 0, p -> {})).statusCode(202);

        Map<String, Documented> documented = documented();
        Map<String, List<Double>> buckets = documentedBuckets();
        assertTrue(documented.keySet().containsAll(REQUIRED_HISTOGRAMS), "docs/operations.md lacks a histogram");
        REQUIRED_HISTOGRAMS.forEach(
                name -> assertTrue(documented.get(name).type().equals("histogram"), name));

        String metrics = given().when()
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        for (Documented metric : documented.values()) {
            String family = metric.type().equals("counter") ? metric.name().replaceFirst("_total$", "") : metric.name();
            assertTrue(
                    metrics.contains("# TYPE " + family + " " + metric.type())
                            || metrics.contains("# TYPE " + metric.name() + " " + metric.type()),
                    () -> metric.name() + " is not exported as a " + metric.type());
            String sample = metric.type().equals("histogram") ? metric.name() + "_bucket" : metric.name();
            Matcher line = Pattern.compile("(?m)^" + sample + "(\\{[^}]*})? ").matcher(metrics);
            assertTrue(line.find(), () -> "no sample of " + sample);
            String labels = line.group(1) == null ? "" : line.group(1);
            for (String label : metric.labels()) {
                assertTrue(labels.contains(label + "=\""), () -> sample + " lacks the label " + label + ": " + labels);
            }
            if (metric.type().equals("histogram")) {
                Set<Double> expected =
                        new java.util.TreeSet<>(buckets.getOrDefault(metric.name(), buckets.get(EVERY_OTHER)));
                expected.add(Double.POSITIVE_INFINITY);
                assertEquals(expected, bucketsOf(metrics, sample), sample + ": its buckets are not those documented");
            }
        }
        // Never a high-cardinality or secret value as a label.
        assertFalse(metrics.contains("session_id=")
                || metrics.contains("repository=")
                || metrics.contains("installation_id="));
    }

    private static final String EVERY_OTHER = "every other histogram";

    /** The {@code le} values of every series of one histogram, as numbers. */
    static Set<Double> bucketsOf(String metrics, String sample) {
        Matcher buckets =
                Pattern.compile("(?m)^" + sample + "\\{[^}]*le=\"([^\"]+)\"").matcher(metrics);
        Set<Double> les = new java.util.TreeSet<>();
        while (buckets.find()) {
            les.add(buckets.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(buckets.group(1)));
        }
        return les;
    }

    /** The bucket table of docs/operations.md: histogram (or "every other histogram") to its buckets. */
    static Map<String, List<Double>> documentedBuckets() throws IOException {
        String doc = Files.readString(Path.of("docs/operations.md"));
        String section = doc.substring(doc.indexOf("## Metrics"), doc.indexOf("## Alerts"));
        Map<String, List<Double>> out = new LinkedHashMap<>();
        Matcher row =
                Pattern.compile("(?m)^\\| `?([a-z_ ]+)`? \\| ([0-9., ]+) \\|$").matcher(section);
        while (row.find()) {
            out.put(
                    row.group(1),
                    java.util.Arrays.stream(row.group(2).split(","))
                            .map(String::strip)
                            .map(Double::parseDouble)
                            .toList());
        }
        assertTrue(out.containsKey(EVERY_OTHER) && out.size() >= 2, "the bucket table of docs/operations.md: " + out);
        return out;
    }

    /** The metric table of docs/operations.md. */
    static Map<String, Documented> documented() throws IOException {
        Map<String, Documented> out = new LinkedHashMap<>();
        String doc = Files.readString(Path.of("docs/operations.md"));
        String section = doc.substring(doc.indexOf("## Metrics"), doc.indexOf("## Alerts"));
        for (String line : section.lines().toList()) {
            Matcher row = ROW.matcher(line);
            if (row.find()) {
                List<String> labels = LABEL.matcher(row.group(3))
                        .results()
                        .map(m -> m.group(1))
                        .toList();
                out.put(row.group(1), new Documented(row.group(1), row.group(2), labels));
            }
        }
        assertTrue(out.size() >= 10, "the metric table of docs/operations.md was not found");
        return out;
    }

    /** A session from create to its pull request: launch, Kubernetes and GitHub calls, a token, its end. */
    private void runOneSession() {
        SessionFixtures f = SessionFixtures.linked(github);
        f.stubPullRequests(github);
        UUID id = f.create(1, "Measure everything");
        await().atMost(Duration.ofSeconds(20)).until(() -> "RUNNING".equals(state(f, id)));
        String branch = given().header("Authorization", f.bearer())
                .get("/api/v1/sessions/" + id)
                .path("instances[0].branch");
        Kubelet.startPod(id, 1);
        Kubelet.running(id, 1);
        Kubelet.terminated(
                id,
                1,
                0,
                "Completed",
                Kubelet.report(branch, "6dcb09b5b57875f334f61aebed695e2e4193db5e", true, "pushed"));
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> given().header("Authorization", f.bearer())
                        .get("/api/v1/sessions/" + id)
                        .then()
                        .body("state", Matchers.equalTo("SUCCEEDED"))
                        .body("instances[0].prUrl", Matchers.notNullValue()));
    }

    private static String state(SessionFixtures f, UUID id) {
        return given().header("Authorization", f.bearer())
                .get("/api/v1/sessions/" + id)
                .path("state");
    }
}
