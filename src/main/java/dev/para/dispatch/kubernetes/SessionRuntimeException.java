package dev.para.dispatch.kubernetes;

import dev.para.dispatch.Retryable;

/**
 * A session runtime call that failed. {@link #isRetryable()} says whether the same call may work
 * later (the API server away, a 5xx, a conflict) or needs someone to change something.
 */
public class SessionRuntimeException extends RuntimeException implements Retryable {

    private final boolean transientFailure;

    public SessionRuntimeException(String message, boolean transientFailure, Throwable cause) {
        super(message, cause);
        this.transientFailure = transientFailure;
    }

    @Override
    public boolean isRetryable() {
        return transientFailure;
    }
}
