package dev.para.dispatch.audit;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.Map;

/** Records audit events. Call inside the transaction that makes the change. */
@ApplicationScoped
public class AuditLog {

    /** The actor name for changes GitHub told us about. */
    public static final String GITHUB = "github";

    private final Clock clock;

    AuditLog(Clock clock) {
        this.clock = clock;
    }

    public Uni<Void> record(
            String accountId,
            String actor,
            String action,
            String objectType,
            String objectId,
            Map<String, Object> details) {
        AuditEvent event = new AuditEvent();
        event.occurredAt = clock.instant();
        event.accountId = accountId;
        event.actor = actor;
        event.action = action;
        event.objectType = objectType;
        event.objectId = objectId;
        event.details = details;
        return event.persist().replaceWithVoid();
    }
}
