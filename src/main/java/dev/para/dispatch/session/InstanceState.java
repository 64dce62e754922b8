package dev.para.dispatch.session;

/** Where one instance (one pod of the session's Job) is: QUEUED → PENDING → RUNNING → an end. */
public enum InstanceState {
    QUEUED,
    /** The Job exists; the pod is not running yet (scheduling, pulling the image). */
    PENDING,
    RUNNING,
    SUCCEEDED,
    FAILED,
    CANCELLED,
    /** Stopped at the agent's own time limit; what it left is pushed as work in progress. */
    TIMED_OUT,
    /** Stopped when its reported cost passed its budget; what it left is pushed as work in progress. */
    BUDGET_EXCEEDED;

    public boolean isTerminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED || this == TIMED_OUT || this == BUDGET_EXCEEDED;
    }

    /** An end that makes its session fail. */
    public boolean isFailure() {
        return this == FAILED || this == TIMED_OUT || this == BUDGET_EXCEEDED;
    }

    /** The order of states: an observation never moves an instance backwards. */
    public boolean isAfter(InstanceState other) {
        return ordinal() > other.ordinal() && !other.isTerminal();
    }
}
