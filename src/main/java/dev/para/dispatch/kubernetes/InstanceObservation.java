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
        FAILED
    }

    /** The entrypoint's report (JSON, at most 4 KiB, in the container's termination message). */
    public record TerminationMessage(
            String branch, String head, Boolean pushed, BigDecimal cost, Integer turns, String reason) {}
}
