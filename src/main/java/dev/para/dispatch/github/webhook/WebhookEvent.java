package dev.para.dispatch.github.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/** A stored delivery being processed: the event name, its action and the parsed payload. */
public record WebhookEvent(String deliveryId, String event, JsonNode payload) {

    /** The payload's {@code action}, when the event has actions. */
    public Optional<String> action() {
        JsonNode action = payload.path("action");
        return action.isTextual() ? Optional.of(action.asText()) : Optional.empty();
    }

    /** The installation the delivery is about, when it names one. */
    public Optional<Long> installationId() {
        JsonNode id = payload.path("installation").path("id");
        return id.canConvertToLong() ? Optional.of(id.asLong()) : Optional.empty();
    }

    /** {@code event.action}, or just the event when it has no action. */
    public String name() {
        return action().map(a -> event + "." + a).orElse(event);
    }
}
