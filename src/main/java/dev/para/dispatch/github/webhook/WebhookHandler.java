package dev.para.dispatch.github.webhook;

import io.smallrye.mutiny.Uni;
import java.util.List;
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

    /**
     * A cheap look at the raw payload, made at intake before anything is parsed: false when the
     * delivery certainly needs nothing from this handler, so it is recorded ignored as it is
     * stored and never processed. Must take microseconds and agree with {@link #handle}: it may
     * say true for a delivery that turns out to be ignored, never false for one that is not.
     */
    default boolean wants(String event, byte[] payload) {
        return true;
    }

    Uni<Outcome> handle(WebhookEvent event);

    /**
     * Whether {@link #handleAll} can take this delivery together with others: a burst of them
     * then costs a few set-based statements instead of a transaction each.
     */
    default boolean handlesInBatches(WebhookEvent event) {
        return false;
    }

    /**
     * Processes deliveries that {@link #handlesInBatches} accepted, all in one transaction, to the
     * same end as {@link #handle} on each in the given order (which is GitHub's order for each
     * installation); every one of them is then {@link Outcome#PROCESSED}. When it fails, nothing
     * is written and the processor falls back to {@link #handle}, one delivery at a time. Called
     * on a worker thread, with no Vert.x context: write with the reactive SQL client, not
     * Hibernate.
     */
    default Uni<Void> handleAll(List<WebhookEvent> events) {
        return Uni.createFrom().failure(new UnsupportedOperationException("no batches"));
    }
}
