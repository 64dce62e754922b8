package dev.para.dispatch.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.para.dispatch.testing.TestRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A registry (or the token service its challenge points to) that answers with an endless body:
 * the service reads at most 64 KiB of it and stops the exchange, instead of holding it all.
 */
class RegistryResponseLimitsTest {

    @Test
    void aTenMegabyteRealmBodyIsCutOff() throws Exception {
        AtomicLong written = new AtomicLong();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        String host = "127.0.0.1:" + server.getAddress().getPort();
        server.createContext("/v2/", exchange -> {
            exchange.getResponseHeaders()
                    .add("WWW-Authenticate", "Bearer realm=\"http://" + host + "/token\",service=\"x\"");
            exchange.sendResponseHeaders(401, -1);
            exchange.close();
        });
        server.createContext("/token", exchange -> {
            exchange.sendResponseHeaders(200, 10_000_000);
            byte[] chunk = new byte[16 * 1024];
            java.util.Arrays.fill(chunk, (byte) 'a');
            try (OutputStream out = exchange.getResponseBody()) {
                for (int sent = 0; sent < 10_000_000; sent += chunk.length) {
                    out.write(chunk, 0, Math.min(chunk.length, 10_000_000 - sent));
                    written.addAndGet(chunk.length);
                }
            } catch (IOException closedByTheClient) {
                // what the service does once it has read enough
            }
        });
        server.start();
        try {
            RegistryClient client = new RegistryClient(
                    TestRegistry.clientConfig(0, List.of(host)),
                    new RegistryMetrics(new SimpleMeterRegistry()),
                    new ObjectMapper(),
                    dev.para.dispatch.testing.TestRegistry.VERTX,
                    java.time.Clock.systemUTC());
            RegistryException refused = assertThrows(
                    RegistryException.class,
                    () -> client.check(ImageReference.parse(host + "/team/agent:1.0"), Optional.empty())
                            .await()
                            .atMost(Duration.ofSeconds(20)));
            assertEquals(RegistryError.PROTOCOL, refused.error());
            Thread.sleep(500);
            assertTrue(
                    written.get() < 10_000_000,
                    "the service stopped reading after its limit: " + written.get() + " bytes sent");
        } finally {
            server.stop(0);
        }
    }
}
