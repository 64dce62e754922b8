package dev.para.dispatch.github.webhook;

import io.smallrye.mutiny.Uni;
import java.util.Set;

/**
 * Processes stored deliveries of some events. Handlers must be idempotent: a delivery whose
 * processing was interrupted (a crash, PostgreSQL away) is processed again after its lease.
 */
public interface WebhookHandler {

    enum Outcome {
        /** The delivery changed (or confirmed) our state. */
        PROCESSED,
        /** The delivery needs nothing from us. */
        IGNORED
    }

    /** The events ({@code X-GitHub-Event}) this handler takes. */
    Set<String> events();

    Uni<Outcome> handle(WebhookEvent event);
}
