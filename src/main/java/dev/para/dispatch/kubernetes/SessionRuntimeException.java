package dev.para.dispatch.kubernetes;

/**
 * A session runtime call that failed. {@link #isTransient()} says whether the same call may work
 * later (the API server away, a 5xx, a conflict) or needs someone to change something.
 */
public class SessionRuntimeException extends RuntimeException {

    private final boolean transientFailure;

    public SessionRuntimeException(String message, boolean transientFailure, Throwable cause) {
        super(message, cause);
        this.transientFailure = transientFailure;
    }

    public boolean isTransient() {
        return transientFailure;
    }
}
