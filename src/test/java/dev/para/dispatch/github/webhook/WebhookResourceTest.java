package dev.para.dispatch.github.webhook;

import static dev.para.dispatch.testing.Webhooks.deliver;
import static dev.para.dispatch.testing.Webhooks.exampleFor;
import static dev.para.dispatch.testing.Webhooks.newDeliveryId;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.para.dispatch.testing.Db;
import dev.para.dispatch.testing.LogScan;
import dev.para.dispatch.testing.Webhooks;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@QuarkusTest
class WebhookResourceTest {

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @Inject
    MeterRegistry meters;

    private double deliveriesAnswered(String outcome) {
        return meters.find(WebhookMetrics.RECEIVED).tag("outcome", outcome).counters().stream()
                .mapToDouble(io.micrometer.core.instrument.Counter::count)
                .sum();
    }

    static long newInstallationId() {
        return ThreadLocalRandom.current().nextLong(1_000_000, Long.MAX_VALUE / 2);
    }

    static long stored(String deliveryId) {
        return Db.count("SELECT count(*) FROM webhook_deliveries WHERE delivery_id = ?", deliveryId);
    }

    /** Whether the delivery's row holds its payload, exactly as it came. */
    static boolean payloadKept(String deliveryId, byte[] body) {
        byte[] lz4 = (byte[]) Db.query("SELECT payload_lz4 FROM webhook_deliveries WHERE delivery_id = ?", deliveryId)
                .get(0)
                .get("payload_lz4");
        if (lz4 != null) {
            assertEquals(
                    new String(body, StandardCharsets.UTF_8),
                    new String(PayloadCodec.decompress(lz4), StandardCharsets.UTF_8));
        }
        return lz4 != null;
    }

    static void awaitProcessed(String deliveryId) {
        await().atMost(Duration.ofSeconds(20))
                .until(() -> !Db.query(
                                "SELECT 1 FROM webhook_processing WHERE delivery_id = ? AND processed_at IS NOT NULL",
                                deliveryId)
                        .isEmpty());
    }

    @Test
    void storesAndProcessesASignedInstallationCreated() {
        long installation = newInstallationId();
        String delivery = newDeliveryId();
        byte[] body = exampleFor("installation.created", installation, p -> {});
        deliver("installation", delivery, body)
                .statusCode(202)
                .body("delivery", equalTo(delivery))
                .body("status", equalTo("accepted"));
        assertTrue(payloadKept(delivery, body), "stored with its payload before the answer, to be processed from");
        awaitProcessed(delivery);
        var row = Db.query("SELECT * FROM webhook_processing WHERE delivery_id = ?", delivery)
                .get(0);
        assertEquals("processed", row.get("outcome"));
        assertEquals("created", row.get("action"));
        assertEquals(installation, row.get("installation_id"));
        var inst = Db.query("SELECT * FROM github_installations WHERE installation_id = ?", installation)
                .get(0);
        assertEquals("Codertocat", inst.get("github_account_login"));
        assertEquals("selected", inst.get("repository_selection"));
        assertNull(inst.get("account_id"), "not linked to any account until the setup flow proves ownership");
        assertEquals(
                List.of("Codertocat/Hello-World"),
                Db.query("SELECT full_name FROM installation_repositories WHERE installation_id = ?", installation)
                        .stream()
                        .map(r -> r.get("full_name"))
                        .toList());
    }

    @Test
    void wrongOrMissingSignatureIsRejectedAndNothingIsStored() {
        byte[] body = exampleFor("installation.created", newInstallationId(), p -> {});
        String wrong = newDeliveryId();
        given().header("X-GitHub-Event", "installation")
                .header("X-GitHub-Delivery", wrong)
                .header("X-Hub-Signature-256", new WebhookSignature("not the secret").header(body))
                .contentType("application/json")
                .body(body)
                .when()
                .post("/github/webhook")
                .then()
                .statusCode(401)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:para-dispatch:problem:invalid-signature"));
        String missing = newDeliveryId();
        given().header("X-GitHub-Event", "installation")
                .header("X-GitHub-Delivery", missing)
                .contentType("application/json")
                .body(body)
                .when()
                .post("/github/webhook")
                .then()
                .statusCode(401);
        String tampered = newDeliveryId();
        byte[] changed = new String(body, StandardCharsets.UTF_8)
                .replace("Codertocat", "Codertocad")
                .getBytes(StandardCharsets.UTF_8);
        given().header("X-GitHub-Event", "installation")
                .header("X-GitHub-Delivery", tampered)
                .header("X-Hub-Signature-256", Webhooks.SIGNATURE.header(body))
                .contentType("application/json")
                .body(changed)
                .when()
                .post("/github/webhook")
                .then()
                .statusCode(401);
        assertEquals(0, stored(wrong) + stored(missing) + stored(tampered));
    }

    /** GitHub sends {@code sha256=} and lower-case hex; the same digest spelled otherwise is refused. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"upper-case hex", "SHA256= prefix", "sha1 prefix"})
    void onlyTheSignatureSpellingGitHubSendsIsAccepted(String spelling) {
        byte[] body = exampleFor("ping", 0, p -> {});
        String hex = Webhooks.SIGNATURE.header(body).substring("sha256=".length());
        String header = switch (spelling) {
            case "upper-case hex" -> "sha256=" + hex.toUpperCase(java.util.Locale.ROOT);
            case "SHA256= prefix" -> "SHA256=" + hex;
            default -> "sha1=" + hex;
        };
        String delivery = newDeliveryId();
        given().header("X-GitHub-Event", "ping")
                .header("X-GitHub-Delivery", delivery)
                .header("X-Hub-Signature-256", header)
                .contentType("application/json")
                .body(body)
                .when()
                .post("/github/webhook")
                .then()
                .statusCode(401)
                .body("type", equalTo("urn:para-dispatch:problem:invalid-signature"));
        assertEquals(0, stored(delivery));
    }

    /** A signed body that is not one JSON object is refused and not stored. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "payload=%7B%7D",
                "not json at all",
                "[1,2]",
                "{\"action\":\"created\"",
                "{} {}",
                "{\"a\":[}",
                "\"text\"",
                ""
            })
    void aBodyThatIsNotAJsonObjectIsRefused(String text) {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        String delivery = newDeliveryId();
        deliver("installation", delivery, body)
                .statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:para-dispatch:problem:malformed-payload"));
        assertEquals(0, stored(delivery));
    }

    /**
     * Senders that declare large bodies and then send almost nothing hold no memory they did not
     * send, and together no more than the in-flight budget (64 MiB: 64 first allocations of 1 MiB):
     * past it a delivery is answered 503 at once. Once they go, deliveries are taken again.
     */
    @Test
    void slowSendersCannotHoldMoreThanTheBodyBudget() throws Exception {
        List<java.net.Socket> senders = new ArrayList<>();
        try {
            int refused = 0;
            List<String> answers = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                java.net.Socket socket = new java.net.Socket("127.0.0.1", port);
                socket.setSoTimeout(3_000);
                senders.add(socket);
                socket.getOutputStream()
                        .write(("POST /github/webhook HTTP/1.1\r\nHost: localhost\r\n"
                                        + "Content-Type: application/json\r\nContent-Length: 20000000\r\n\r\n")
                                .getBytes(StandardCharsets.UTF_8));
                socket.getOutputStream().flush();
                socket.getOutputStream().write('{');
                socket.getOutputStream().flush();
                if (i >= 80) { // well past the 64 first allocations the budget holds
                    String status;
                    try {
                        status = new java.io.BufferedReader(new java.io.InputStreamReader(
                                        socket.getInputStream(), StandardCharsets.US_ASCII))
                                .readLine();
                    } catch (java.net.SocketTimeoutException e) {
                        status = "no answer";
                    }
                    answers.add(i + ": " + status);
                    if (status != null && status.contains(" 503 ")) {
                        refused++;
                    }
                }
            }
            // every answer is a 503 (none took a budget it did not have); one sender's answer, the first
            // read, is sometimes not back within 3 s (closing note), hence "at least"
            assertTrue(
                    refused >= 18
                            && answers.stream()
                                    .allMatch(a -> a.endsWith(" 503 Service Unavailable") || a.endsWith("no answer")),
                    answers.toString());
        } finally {
            for (java.net.Socket socket : senders) {
                socket.close();
            }
        }
        String delivery = newDeliveryId();
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> deliver("ping", newDeliveryId(), exampleFor("ping", 0, p -> {}))
                        .statusCode(202));
        assertEquals(0, stored(delivery));
    }

    /**
     * 600 connections that each declare a 26 MB body (GitHub's limit is 25 MiB) and send 1 KiB:
     * the heap grows by no more than the shared body budget (64 MiB) and what 600 connections
     * cost, instead of 600 × 26 MB reserved up front; deliveries are taken again once they go.
     */
    @Test
    void sixHundredIdleConnectionsDeclaringLargeBodiesDoNotExhaustTheHeap() throws Exception {
        java.lang.management.MemoryMXBean memory = java.lang.management.ManagementFactory.getMemoryMXBean();
        double busyBefore = deliveriesAnswered("unavailable");
        System.gc();
        long before = memory.getHeapMemoryUsage().getUsed();
        List<java.net.Socket> senders = new ArrayList<>();
        long during;
        try {
            byte[] kib = new byte[1024];
            java.util.Arrays.fill(kib, (byte) ' ');
            kib[0] = '{';
            for (int i = 0; i < 600; i++) {
                java.net.Socket socket = new java.net.Socket("127.0.0.1", port);
                senders.add(socket);
                socket.getOutputStream()
                        .write(("POST /github/webhook HTTP/1.1\r\nHost: localhost\r\n"
                                        + "Content-Type: application/json\r\nContent-Length: 26000000\r\n\r\n")
                                .getBytes(StandardCharsets.UTF_8));
                socket.getOutputStream().write(kib);
                socket.getOutputStream().flush();
            }
            // every one of them read: it holds part of the budget, or it was answered 503 for want of it
            await().atMost(Duration.ofSeconds(20))
                    .until(() ->
                            meters.get(WebhookMetrics.BODIES_READING).gauge().value()
                                            + deliveriesAnswered("unavailable")
                                            - busyBefore
                                    >= 600);
            assertTrue(
                    meters.get(WebhookMetrics.BODY_BYTES).gauge().value() <= 64L * 1024 * 1024,
                    "the bodies hold no more than the budget");
            System.gc();
            during = memory.getHeapMemoryUsage().getUsed();
        } finally {
            for (java.net.Socket socket : senders) {
                socket.close();
            }
        }
        assertTrue(
                during - before < 150L * 1024 * 1024, "the heap grew by " + (during - before) / (1024 * 1024) + " MiB");
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertEquals(
                        0, meters.get(WebhookMetrics.BODY_BYTES).gauge().value(), "the budget is given back"));
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> deliver("ping", newDeliveryId(), exampleFor("ping", 0, p -> {}))
                        .statusCode(202));
    }

    /** During a rotation of the webhook secret, GitHub may still sign with the previous one. */
    @Test
    void thePreviousSecretIsAcceptedWhileARotationIsUnderWay() {
        byte[] body = exampleFor("ping", 0, p -> {});
        String delivery = newDeliveryId();
        given().header("X-GitHub-Event", "ping")
                .header("X-GitHub-Delivery", delivery)
                .header("X-Hub-Signature-256", new WebhookSignature("the previous secret").header(body))
                .contentType("application/json")
                .body(body)
                .when()
                .post("/github/webhook")
                .then()
                .statusCode(202);
        assertEquals(1, stored(delivery));
    }

    /** A delivery that fails is logged and recorded with its message (secrets redacted), not its class alone. */
    @Test
    void aFailedDeliveryKeepsItsReasonWithTheMessage() {
        String delivery = newDeliveryId();
        byte[] body = exampleFor(
                "installation.created",
                newInstallationId(),
                p -> ((com.fasterxml.jackson.databind.node.ObjectNode) p.get("installation"))
                        .put("suspended_at", "not a time, ghs_16C7e42F292c6912E7710c838347Ae178B4a"));
        deliver("installation", delivery, body).statusCode(202);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> !Db.query(
                                "SELECT 1 FROM webhook_processing WHERE delivery_id = ? AND last_error IS NOT NULL",
                                delivery)
                        .isEmpty());
        String reason = (String) Db.query("SELECT last_error FROM webhook_processing WHERE delivery_id = ?", delivery)
                .get(0)
                .get("last_error");
        assertTrue(
                reason.startsWith("IllegalArgumentException: ")
                        && reason.contains("suspended_at")
                        && reason.contains("[REDACTED]")
                        && !reason.contains("ghs_16C7e42F"),
                reason);
        LogScan.assertNoSecrets("ghs_16C7e42F292c6912E7710c838347Ae178B4a");
        // the failure is recorded by a statement PostgreSQL prepares at once (no refusal, no retry by the client)
        assertFalse(LogScan.log().contains("inconsistent types deduced"));
    }

    @Test
    void aRedeliveryIsAcknowledgedButProcessedOnce() {
        long installation = newInstallationId();
        String delivery = newDeliveryId();
        byte[] body = exampleFor("installation.created", installation, p -> {});
        deliver("installation", delivery, body).statusCode(202);
        awaitProcessed(delivery);
        deliver("installation", delivery, body).statusCode(200).body("status", equalTo("duplicate"));
        deliver("installation", delivery, body).statusCode(200).body("status", equalTo("duplicate"));
        // give a wrongly re-queued delivery every chance to be processed again
        given().when().get("/q/health/live").then().statusCode(200);
        await().pollDelay(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5)).until(() -> true);
        assertEquals(
                1,
                Db.count(
                        "SELECT count(*) FROM webhook_processing WHERE delivery_id = ? AND outcome = 'processed'",
                        delivery));
        assertEquals(
                1,
                Db.count(
                        "SELECT count(*) FROM audit_events WHERE object_type = 'installation'"
                                + " AND object_id = ? AND action = 'installation.created'",
                        String.valueOf(installation)));
    }

    @Test
    void missingHeadersAreBadRequests() {
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        given().header("X-GitHub-Event", "ping")
                .header("X-Hub-Signature-256", Webhooks.SIGNATURE.header(body))
                .body(body)
                .when()
                .post("/github/webhook")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("X-GitHub-Delivery"));
        given().header("X-GitHub-Delivery", newDeliveryId())
                .header("X-Hub-Signature-256", Webhooks.SIGNATURE.header(body))
                .body(body)
                .when()
                .post("/github/webhook")
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("X-GitHub-Event"));
    }

    @Test
    void aBodyOver25MiBIsRefused() throws Exception {
        byte[] body = new byte[26 * 1024 * 1024];
        java.util.Arrays.fill(body, (byte) ' ');
        String delivery = newDeliveryId();
        // Expect: 100-continue lets the server refuse by Content-Length before the body is sent
        var request = java.net.http.HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/github/webhook"))
                .expectContinue(true)
                .header("X-GitHub-Event", "ping")
                .header("X-GitHub-Delivery", delivery)
                .header("X-Hub-Signature-256", Webhooks.SIGNATURE.header(body))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        var response = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1)
                .build()
                .send(request, java.net.http.HttpResponse.BodyHandlers.discarding());
        assertEquals(413, response.statusCode());
        assertEquals(0, stored(delivery));
    }

    @Test
    void aChunkedBodyIsReadWholeAndRefusedOver25MiB() throws Exception {
        var client = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1)
                .build();
        // a body of unknown length (an InputStream) is sent chunked, without Content-Length
        java.util.function.BiFunction<String, byte[], java.net.http.HttpRequest> chunked = (delivery, body) ->
                java.net.http.HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/github/webhook"))
                        .header("X-GitHub-Event", "ping")
                        .header("X-GitHub-Delivery", delivery)
                        .header("X-Hub-Signature-256", Webhooks.SIGNATURE.header(body))
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(
                                () -> new java.io.ByteArrayInputStream(body)))
                        .build();
        String small = newDeliveryId();
        byte[] ping = exampleFor("ping", 0, p -> {});
        assertEquals(
                202,
                client.send(chunked.apply(small, ping), java.net.http.HttpResponse.BodyHandlers.discarding())
                        .statusCode());
        assertEquals(1, stored(small));

        // Over the limit: the answer is read while the body is still being sent, on a raw socket
        // (the HTTP client would report only the broken pipe of a server that stopped reading).
        String large = newDeliveryId();
        int status;
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            var out = socket.getOutputStream();
            out.write(("POST /github/webhook HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                            + "X-GitHub-Event: ping\r\nX-GitHub-Delivery: " + large + "\r\n"
                            + "X-Hub-Signature-256: sha256=00\r\nTransfer-Encoding: chunked\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            Thread sender = new Thread(() -> {
                byte[] chunk = new byte[64 * 1024];
                java.util.Arrays.fill(chunk, (byte) ' ');
                byte[] size = (Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
                try {
                    for (int sent = 0; sent < 27 * 1024 * 1024; sent += chunk.length) {
                        out.write(size);
                        out.write(chunk);
                        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    }
                } catch (java.io.IOException closedByTheServer) {
                    // expected once the server has answered
                }
            });
            sender.start();
            String statusLine = new java.io.BufferedReader(
                            new java.io.InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
            sender.join(30_000);
            status = Integer.parseInt(statusLine.split(" ")[1]);
        }
        assertEquals(413, status);
        assertEquals(0, stored(large));
    }

    @Test
    void pingIsProcessedAndUnknownEventsAreKeptAsIgnored() {
        String ping = newDeliveryId();
        byte[] pingBody = exampleFor("ping", 0, p -> {});
        deliver("ping", ping, pingBody).statusCode(202);
        String push = newDeliveryId();
        byte[] pushBody = exampleFor("push", newInstallationId(), p -> {});
        deliver("push", push, pushBody).statusCode(202);
        awaitProcessed(ping);
        awaitProcessed(push);
        assertEquals(
                "processed",
                Db.query("SELECT outcome FROM webhook_processing WHERE delivery_id = ?", ping)
                        .get(0)
                        .get("outcome"));
        assertEquals(
                "ignored",
                Db.query("SELECT outcome FROM webhook_processing WHERE delivery_id = ?", push)
                        .get(0)
                        .get("outcome"));
        // recorded (redelivery checks, audit) but without the payload nothing will read
        assertEquals(1, stored(push));
        assertFalse(payloadKept(ping, pingBody));
        assertFalse(payloadKept(push, pushBody));
        deliver("push", push, pushBody).statusCode(200).body("status", equalTo("duplicate"));
    }

    @Test
    void installationLifecycleKeepsTheRowCurrent() {
        long installation = newInstallationId();
        String created = newDeliveryId();
        deliver("installation", created, exampleFor("installation.created", installation, p -> {}))
                .statusCode(202);
        awaitProcessed(created);

        String added = newDeliveryId();
        deliver(
                        "installation_repositories",
                        added,
                        exampleFor("installation_repositories.added", installation, p -> {}))
                .statusCode(202);
        awaitProcessed(added);
        assertEquals(
                List.of("Codertocat/Hello-World", "Codertocat/Space"),
                Db.query(
                                "SELECT full_name FROM installation_repositories WHERE installation_id = ? ORDER BY full_name",
                                installation)
                        .stream()
                        .map(r -> r.get("full_name"))
                        .toList());

        String suspend = newDeliveryId();
        deliver("installation", suspend, exampleFor("installation.suspend", installation, p -> {}))
                .statusCode(202);
        awaitProcessed(suspend);
        assertNotNull(Db.query("SELECT suspended_at FROM github_installations WHERE installation_id = ?", installation)
                .get(0)
                .get("suspended_at"));

        String unsuspend = newDeliveryId();
        deliver("installation", unsuspend, exampleFor("installation.unsuspend", installation, p -> {}))
                .statusCode(202);
        awaitProcessed(unsuspend);
        assertNull(Db.query("SELECT suspended_at FROM github_installations WHERE installation_id = ?", installation)
                .get(0)
                .get("suspended_at"));

        String permissions = newDeliveryId();
        deliver("installation", permissions, exampleFor("installation.new_permissions_accepted", installation, p -> {}))
                .statusCode(202);
        awaitProcessed(permissions);
        assertEquals(
                "all",
                Db.query(
                                "SELECT repository_selection FROM github_installations WHERE installation_id = ?",
                                installation)
                        .get(0)
                        .get("repository_selection"));

        String deleted = newDeliveryId();
        deliver("installation", deleted, exampleFor("installation.deleted", installation, p -> {}))
                .statusCode(202);
        awaitProcessed(deleted);
        assertNotNull(Db.query("SELECT deleted_at FROM github_installations WHERE installation_id = ?", installation)
                .get(0)
                .get("deleted_at"));
    }

    @Test
    void authorizationRevokedIsAudited() {
        String delivery = newDeliveryId();
        deliver("github_app_authorization", delivery, exampleFor("github_app_authorization.revoked", 0, p -> {}))
                .statusCode(202);
        awaitProcessed(delivery);
        assertEquals(
                "processed",
                Db.query("SELECT outcome FROM webhook_processing WHERE delivery_id = ?", delivery)
                        .get(0)
                        .get("outcome"));
    }

    @Test
    void aDeliveryStoredBeforeACrashIsProcessedByTheSweep() {
        long installation = newInstallationId();
        String delivery = newDeliveryId();
        byte[] body = exampleFor("installation.created", installation, p -> {});
        // as if the service stored it, answered, and died before processing
        storedUnprocessed(delivery, "payload_lz4", PayloadCodec.compress(body));
        awaitProcessed(delivery);
        assertEquals(1, Db.count("SELECT count(*) FROM github_installations WHERE installation_id = ?", installation));
    }

    @Test
    void aDeliveryStoredByThePreviousVersionIsStillRead() {
        long installation = newInstallationId();
        String delivery = newDeliveryId();
        byte[] body = exampleFor("installation.created", installation, p -> {});
        java.util.zip.Deflater deflater = new java.util.zip.Deflater(java.util.zip.Deflater.BEST_SPEED, true);
        deflater.setInput(body);
        deflater.finish();
        byte[] deflated = new byte[body.length + 64];
        deflated = java.util.Arrays.copyOf(deflated, deflater.deflate(deflated));
        storedUnprocessed(delivery, "payload_deflated", deflated);
        awaitProcessed(delivery);
        assertEquals(1, Db.count("SELECT count(*) FROM github_installations WHERE installation_id = ?", installation));
    }

    @Test
    void aDamagedPayloadIsRecordedMalformedAndHoldsUpNoOther() {
        String damaged = newDeliveryId();
        storedUnprocessed(damaged, "payload_lz4", new byte[] {0, 0, 1, 0, 7, 7, 7});
        long installation = newInstallationId();
        String healthy = newDeliveryId();
        storedUnprocessed(
                healthy,
                "payload_lz4",
                PayloadCodec.compress(exampleFor("installation.created", installation, p -> {})));
        awaitProcessed(damaged);
        awaitProcessed(healthy);
        assertEquals(
                "malformed",
                Db.query("SELECT outcome FROM webhook_processing WHERE delivery_id = ?", damaged)
                        .get(0)
                        .get("outcome"));
        assertEquals(1, Db.count("SELECT count(*) FROM github_installations WHERE installation_id = ?", installation));
    }

    /** A delivery stored and acknowledged a minute ago and never processed, its payload in the given column. */
    private static void storedUnprocessed(String delivery, String column, byte[] payload) {
        Db.query(
                "INSERT INTO webhook_deliveries (delivery_id, event, " + column + ", received_at)"
                        + " VALUES (?, 'installation', ?, now() - interval '1 minute')",
                delivery,
                payload);
        Db.query(
                "INSERT INTO webhook_processing (delivery_id, received_at) VALUES (?, now() - interval '1 minute')",
                delivery);
    }

    @Test
    void concurrentDeliveriesAreAllStoredOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(32);
        try {
            List<String> ids = new ArrayList<>();
            List<Future<Integer>> statuses = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String id = newDeliveryId();
                ids.add(id);
                byte[] body = exampleFor("ping", 0, p -> p.put("zen", id));
                statuses.add(
                        pool.submit(() -> deliver("ping", id, body).extract().statusCode()));
                if (i % 4 == 0) { // a quarter are redelivered at once, racing their first delivery
                    statuses.add(pool.submit(
                            () -> deliver("ping", id, body).extract().statusCode()));
                }
            }
            int accepted = 0;
            int duplicates = 0;
            for (Future<Integer> status : statuses) {
                int code = status.get();
                accepted += code == 202 ? 1 : 0;
                duplicates += code == 200 ? 1 : 0;
            }
            assertEquals(200, accepted);
            assertEquals(50, duplicates);
            assertEquals(200, Db.count("SELECT count(*) FROM webhook_deliveries WHERE delivery_id = ANY(?)", (Object)
                    ids.toArray(String[]::new)));
        } finally {
            pool.shutdownNow();
        }
    }
}
