package dev.para.dispatch.kubernetes;

import io.smallrye.mutiny.Uni;
import java.util.UUID;

/** Receives what the tracker sees in the cluster; implemented by the session package. */
public interface InstanceObserver {

    /** A pod of a session changed. */
    Uni<Void> observed(InstanceObservation observation);

    /**
     * A session's Job ended for a reason of its own (deadline), or disappeared: every instance not
     * yet ended ends with the reason.
     */
    Uni<Void> jobEnded(UUID sessionId, String reason);
}
