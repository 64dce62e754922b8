package dev.para.dispatch.session;

/** Where a session is in its life. A session ends when every one of its instances has ended. */
public enum SessionState {
    /** Written, waiting for the launcher. */
    QUEUED,
    /** Its Job exists; instances are pending or running. */
    RUNNING,
    /** Every instance succeeded. */
    SUCCEEDED,
    /** At least one instance failed (or the session could not be launched). */
    FAILED,
    /** Cancelled by a user. */
    CANCELLED;

    public boolean isTerminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
}
