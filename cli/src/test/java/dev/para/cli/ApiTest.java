package dev.para.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP side against a loopback server: the bearer token, query strings, Server-Sent Events. */
class ApiTest {

    HttpServer server;
    final AtomicReference<String> authorization = new AtomicReference<>();
    final AtomicReference<String> lastEventId = new AtomicReference<>();

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/v1/sessions/s/events", exchange -> {
            authorization.set(exchange.getRequestHeaders().getFirst("Authorization"));
            lastEventId.set(exchange.getRequestHeaders().getFirst("Last-Event-ID"));
            byte[] body = (": a comment\n\nid: 7\nevent: state\ndata: {\"state\":\"RUNNING\",\n"
                            + "data: \"instance\":1}\n\nevent: progress\ndata:{\"turns\":2}\n\n")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void eventsAreReadWithTheirIdsNamesAndMultiLineData() throws Exception {
        Api api = new Api(new Login("http://127.0.0.1:" + server.getAddress().getPort(), "the-token"));
        List<Api.Event> events = new ArrayList<>();
        api.events("/api/v1/sessions/s/events", "6", events::add);
        assertEquals(
                List.of(
                        new Api.Event("7", "state", "{\"state\":\"RUNNING\",\n\"instance\":1}"),
                        new Api.Event(null, "progress", "{\"turns\":2}")),
                events);
        assertEquals("Bearer the-token", authorization.get());
        assertEquals("6", lastEventId.get(), "a resumed stream starts after the last event seen");
    }

    @Test
    void queryParametersWithoutAValueAreLeftOut() {
        java.util.Map<String, Object> query = new java.util.LinkedHashMap<>();
        query.put("limit", 20);
        query.put("cursor", null);
        query.put("repository", "o/r");
        assertEquals("/api/v1/sessions?limit=20&repository=o%2Fr", Api.path("/api/v1/sessions", query));
        assertEquals("/x", Api.path("/x", Map.of()));
    }
}
