package dev.para.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the commands share: secrets read safely, paged lists read whole, optional fields. */
final class Requests {

    private Requests() {}

    /** Reads a secret from a file, or from standard input with "-": never from the command line. */
    static String readSecret(Env env, String file) {
        try {
            byte[] bytes;
            if (file == null || file.equals("-")) {
                try (InputStream in = env.in()) {
                    bytes = in.readNBytes(1 << 20);
                }
            } else {
                bytes = Files.readAllBytes(Path.of(file));
            }
            String secret = new String(bytes, StandardCharsets.UTF_8).strip();
            if (secret.isEmpty()) {
                throw CommandFailure.usage("the secret is empty (read from "
                        + (file == null || file.equals("-") ? "standard input" : file) + ")");
            }
            return secret;
        } catch (IOException e) {
            throw CommandFailure.usage("cannot read " + file + ": " + e.getMessage());
        }
    }

    /** Every item of a cursor-paged list, page after page. */
    static ArrayNode all(Api api, String path) {
        ArrayNode items = Api.JSON.createArrayNode();
        String cursor = null;
        do {
            Map<String, Object> query = new LinkedHashMap<>();
            query.put("limit", 100);
            query.put("cursor", cursor);
            JsonNode page = api.get(Api.path(path, query));
            page.path("items").forEach(items::add);
            cursor = page.path("next").isTextual() ? page.path("next").asText() : null;
        } while (cursor != null);
        return items;
    }

    static void put(Map<String, Object> body, String key, Object value) {
        if (value != null) {
            body.put(key, value);
        }
    }

    /**
     * Prints every item of a paged list: the API's JSON with {@code --output json}, else one
     * {@code line} per item, or {@code none} when there is none; the exit code.
     */
    static int printAll(
            Para para,
            Para.OutputOption output,
            String path,
            String none,
            java.util.function.Function<JsonNode, String> line) {
        ArrayNode items = all(para.api(), path);
        if (output.json()) {
            Para.printJson(para.out(), items);
        } else if (items.isEmpty()) {
            para.out().println(none);
        } else {
            items.forEach(item -> para.out().println(line.apply(item)));
        }
        return ExitCode.OK;
    }

    /** Deletes a named object; the exit code. */
    static int delete(Para para, String path, String name) {
        para.api().send("DELETE", path + "/" + Api.segment(name), null, java.util.Map.of());
        para.out().println("Deleted " + name);
        return ExitCode.OK;
    }
}
