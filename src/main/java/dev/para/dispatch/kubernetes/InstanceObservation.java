package dev.para.dispatch.kubernetes;

import java.math.BigDecimal;
import java.util.UUID;

/**
 * What a pod says about one instance of a session: its phase, a reason a person can act on, the
 * exit code and the entrypoint's termination message once it has ended.
 */
public record InstanceObservation(
        UUID sessionId,
        int index,
        String podName,
        Phase phase,
        String reason,
        Integer exitCode,
        TerminationMessage message) {

    public enum Phase {
        PENDING,
        RUNNING,
        SUCCEEDED,
        FAILED,
        /** The agent was stopped at its own time limit; what it left was pushed as work in progress. */
        TIMED_OUT,
        /** The agent was stopped when its cost passed its budget; what it left was pushed as work in progress. */
        BUDGET_EXCEEDED
    }

    /**
     * The publish step's report (JSON, at most 4 KiB, in the container's termination message).
     *
     * @param wip the agent did not finish well (failed, timed out, stopped) and its work was pushed
     *     as work in progress
     * @param agent how the agent ended, as the agent said: succeeded, failed, timed-out, cancelled,
     *     budget-exceeded or unauthenticated; advisory, since the agent could lie about it
     */
    public record TerminationMessage(
            String branch,
            String head,
            Boolean pushed,
            Boolean wip,
            String agent,
            BigDecimal cost,
            Integer turns,
            Integer files,
            Integer insertions,
            Integer deletions,
            Boolean tests,
            String summary,
            String reason) {}
}
