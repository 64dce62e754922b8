package dev.para.dispatch.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;

/**
 * How far an instance's agent is, read from the stream-json events of its log (Claude Code's
 * {@code --output-format stream-json}): the turns so far, the last tool it used, the output
 * tokens so far, the first line of what it last said (for a client's one-line view; the log is
 * redacted before it is read here), and its cost once it reports one (Claude Code reports cost
 * in its result).
 * Feed it the log's lines in order; pure.
 */
public final class AgentProgress {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One instance's progress, as the event stream carries it. */
    public record Snapshot(
            int instance, int turns, String lastTool, String lastText, long outputTokens, BigDecimal costUsd) {}

    private static final int LAST_TEXT_MAX = 160;

    private final int instance;
    /** Output tokens per assistant message: a message may come in several events, each with its usage. */
    private final Map<String, Long> tokensByMessage = new HashMap<>();

    private int turns;
    private String lastTool;
    private String lastText;
    private BigDecimal costUsd;

    public AgentProgress(int instance) {
        this.instance = instance;
    }

    /** The progress after this log line, or null when the line changes nothing (not an agent event). */
    public Snapshot accept(String line) {
        String trimmed = line.strip();
        if (!trimmed.startsWith("{")) {
            return null;
        }
        JsonNode event;
        try {
            event = JSON.readTree(trimmed);
        } catch (IOException e) {
            return null;
        }
        switch (event.path("type").asText()) {
            case "assistant" -> {
                JsonNode message = event.path("message");
                String id = message.path("id").asText("");
                if (id.isEmpty() || !tokensByMessage.containsKey(id)) {
                    turns++;
                }
                tokensByMessage.put(
                        id.isEmpty() ? "turn-" + turns : id,
                        message.path("usage").path("output_tokens").asLong(0));
                for (JsonNode block : message.path("content")) {
                    if ("tool_use".equals(block.path("type").asText())
                            && block.path("name").isTextual()) {
                        lastTool = block.path("name").asText();
                    } else if ("text".equals(block.path("type").asText())
                            && !block.path("text").asText("").isBlank()) {
                        lastText = dev.para.dispatch.Texts.truncate(
                                block.path("text")
                                        .asText()
                                        .strip()
                                        .lines()
                                        .findFirst()
                                        .orElse(""),
                                LAST_TEXT_MAX);
                    }
                }
            }
            case "result" -> {
                if (event.path("num_turns").canConvertToInt()) {
                    turns = event.path("num_turns").asInt();
                }
                if (event.path("total_cost_usd").isNumber()) {
                    costUsd = event.path("total_cost_usd").decimalValue();
                }
            }
            default -> {
                return null;
            }
        }
        return new Snapshot(
                instance,
                turns,
                lastTool,
                lastText,
                tokensByMessage.values().stream().mapToLong(Long::longValue).sum(),
                costUsd);
    }
}
