package dev.para.dispatch.session;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** One state change as the event stream sends it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SessionEventView(
        long id,
        UUID sessionId,
        Integer instance,
        String state,
        String reason,
        Map<String, Object> detail,
        Instant occurredAt) {

    static SessionEventView of(SessionEvent e) {
        return new SessionEventView(e.id, e.sessionId, e.instance, e.state, e.reason, e.detail, e.occurredAt);
    }
}
