package dev.para.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The service's public API ({@code /api/v1}) over HTTP: JSON in and out, problem+json turned into
 * a {@link CommandFailure}, Server-Sent Events read line by line. Nothing else of the service is
 * known here.
 */
final class Api {

    static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();

    /** An answer: its status, its {@code Location}, and its JSON body (null when empty). */
    record Answer(int status, String location, JsonNode body) {}

    /** One Server-Sent Event: its id (null when it has none), name and data. */
    record Event(String id, String name, String data) {}

    private final String base;
    private final String token;
    private final HttpClient http;

    Api(Login login) {
        if (login.url() == null) {
            throw new CommandFailure(
                    ExitCode.AUTH,
                    "not logged in: para login --url URL --token-file FILE (or set PARA_URL and PARA_TOKEN)");
        }
        if (login.token() == null) {
            throw new CommandFailure(ExitCode.AUTH, "no token: para login --url " + login.url() + " --token-file FILE");
        }
        this.base = login.url();
        this.token = login.token();
        this.http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    String base() {
        return base;
    }

    JsonNode get(String path) {
        return send("GET", path, null, Map.of()).body();
    }

    Answer send(String method, String path, Object body, Map<String, String> headers) {
        HttpRequest.Builder request =
                request(path).timeout(Duration.ofSeconds(60)).header("Accept", "application/json");
        headers.forEach(request::header);
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json");
            request.method(method, HttpRequest.BodyPublishers.ofString(json(body)));
        }
        HttpResponse<String> answer = exchange(request.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode parsed = parse(answer.body());
        if (answer.statusCode() >= 400) {
            throw CommandFailure.ofAnswer(answer.statusCode(), answer.body(), parsed);
        }
        return new Answer(
                answer.statusCode(), answer.headers().firstValue("Location").orElse(null), parsed);
    }

    /** The lines of a text stream (a log), each handed to {@code line} as it arrives. */
    void lines(String path, Consumer<String> line) {
        HttpResponse<InputStream> answer = exchange(
                request(path).header("Accept", "text/plain").build(), HttpResponse.BodyHandlers.ofInputStream());
        failOn(answer);
        try (BufferedReader in = reader(answer)) {
            for (String l; (l = in.readLine()) != null; ) {
                line.accept(l);
            }
        } catch (IOException e) {
            throw CommandFailure.unreachable(base, e);
        }
    }

    /**
     * Reads an event stream until it ends, each event handed to {@code event} as it arrives;
     * {@code lastEventId} (null for the start) resumes after the event with that id.
     */
    void events(String path, String lastEventId, Consumer<Event> event) throws IOException {
        HttpRequest.Builder request = request(path).header("Accept", "text/event-stream");
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        HttpResponse<InputStream> answer = exchange(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        failOn(answer);
        try (BufferedReader in = reader(answer)) {
            String id = null;
            String name = null;
            StringBuilder data = new StringBuilder();
            for (String line; (line = in.readLine()) != null; ) {
                if (line.isEmpty()) {
                    if (data.length() > 0 || name != null) {
                        event.accept(new Event(id, name == null ? "message" : name, data.toString()));
                    }
                    id = null;
                    name = null;
                    data.setLength(0);
                } else if (line.startsWith("id:")) {
                    id = line.substring(3).strip();
                } else if (line.startsWith("event:")) {
                    name = line.substring(6).strip();
                } else if (line.startsWith("data:")) {
                    if (data.length() > 0) {
                        data.append('\n');
                    }
                    data.append(line.substring(5).startsWith(" ") ? line.substring(6) : line.substring(5));
                }
            }
        }
    }

    /** A path with its query: parameters whose value is null are left out. */
    static String path(String path, Map<String, ?> query) {
        Map<String, Object> present = new LinkedHashMap<>();
        query.forEach((k, v) -> {
            if (v != null) {
                present.put(k, v);
            }
        });
        if (present.isEmpty()) {
            return path;
        }
        StringBuilder s = new StringBuilder(path);
        char sep = '?';
        for (var e : present.entrySet()) {
            s.append(sep)
                    .append(e.getKey())
                    .append('=')
                    .append(URLEncoder.encode(String.valueOf(e.getValue()), StandardCharsets.UTF_8));
            sep = '&';
        }
        return s.toString();
    }

    static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + token)
                .header("User-Agent", "para-cli");
    }

    private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        try {
            return http.send(request, handler);
        } catch (ConnectException | HttpTimeoutException e) {
            throw CommandFailure.unreachable(base, e);
        } catch (IOException e) {
            throw CommandFailure.unreachable(base, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandFailure(ExitCode.SERVER, "interrupted");
        }
    }

    private void failOn(HttpResponse<InputStream> answer) {
        if (answer.statusCode() >= 400) {
            String body;
            try (InputStream in = answer.body()) {
                body = new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
            } catch (IOException e) {
                body = "";
            }
            throw CommandFailure.ofAnswer(answer.statusCode(), body, parse(body));
        }
    }

    private static BufferedReader reader(HttpResponse<InputStream> answer) {
        return new BufferedReader(new InputStreamReader(answer.body(), StandardCharsets.UTF_8));
    }

    static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
