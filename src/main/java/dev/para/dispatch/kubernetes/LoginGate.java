package dev.para.dispatch.kubernetes;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The gate of a session whose agent login the service could not check ({@link
 * SessionJobBuilder#startsOneFirst}): its Job runs one instance first, and the others once a pod
 * shows that the login was let in. Pure: reads a pod, decides.
 *
 * <p>A pod shows it when its agent container is ready (the agent made its first real turn), or
 * when publish ended with any exit but {@value PodStatusReader#EXIT_AGENT_AUTH} (the agent got
 * in, or the pod failed before the agent could tell: the next instance should try). A refused
 * login fails the Job through its pod failure policy instead; a pod lost before it could tell
 * leaves the gate shut, and the Job controller starts the next index, which checks in its place.
 */
public final class LoginGate {

    private LoginGate() {}

    /** The parallelism to raise this pod's Job to, when the pod opens its gate. */
    public static OptionalInt opensTo(Pod pod) {
        Map<String, String> annotations = pod.getMetadata().getAnnotations();
        String gated = annotations == null ? null : annotations.get(SessionJobBuilder.GATED_PARALLELISM_ANNOTATION);
        if (gated == null || !gated.matches("[1-9][0-9]{0,2}")) {
            return OptionalInt.empty();
        }
        List<ContainerStatus> statuses =
                pod.getStatus() == null ? null : pod.getStatus().getContainerStatuses();
        if (statuses == null) {
            return OptionalInt.empty();
        }
        boolean agentReady = status(statuses, SessionJobBuilder.CONTAINER)
                .map(c -> Boolean.TRUE.equals(c.getReady()))
                .orElse(false);
        boolean publishEndedLetIn = status(statuses, SessionJobBuilder.PUBLISH)
                .filter(c -> c.getState() != null && c.getState().getTerminated() != null)
                .map(c -> c.getState().getTerminated().getExitCode())
                .map(code -> code != null && code != PodStatusReader.EXIT_AGENT_AUTH)
                .orElse(false);
        return agentReady || publishEndedLetIn ? OptionalInt.of(Integer.parseInt(gated)) : OptionalInt.empty();
    }

    /** The JSON merge patch that opens the gate. */
    static String patch(int parallelism) {
        return "{\"spec\":{\"parallelism\":" + parallelism + "}}";
    }

    private static Optional<ContainerStatus> status(List<ContainerStatus> statuses, String container) {
        return statuses.stream().filter(c -> container.equals(c.getName())).findFirst();
    }
}
