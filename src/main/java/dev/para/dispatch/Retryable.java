package dev.para.dispatch;

/**
 * A failure that says whether the same call may pass later (GitHub or a registry away, a
 * Kubernetes hiccup) or never will (refused, not found). The one notion every retry loop asks.
 */
public interface Retryable {

    boolean isRetryable();

    /** Whether a failure may pass when tried again: its own word, or yes for one that says nothing (a timeout, PostgreSQL away). */
    static boolean mayPassLater(Throwable failure) {
        return !(failure instanceof Retryable r) || r.isRetryable();
    }
}
