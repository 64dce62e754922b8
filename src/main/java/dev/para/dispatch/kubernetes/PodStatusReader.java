package dev.para.dispatch.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.para.dispatch.Texts;
import dev.para.dispatch.kubernetes.InstanceObservation.Phase;
import dev.para.dispatch.kubernetes.InstanceObservation.TerminationMessage;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Reads session pods and Jobs: which instance a pod is, and what its status means in words a
 * person can act on. Pure: the tracker feeds it what the informers see.
 */
public final class PodStatusReader {

    /** The exit codes of the clone and publish steps (see session/entrypoint.sh). */
    public static final int EXIT_CONFIG = 2;

    public static final int EXIT_AGENT_AUTH = 3;
    /** Why the instances of a session that starts one first end when that one's agent was refused. */
    public static final String LOGIN_REFUSED_FIRST = "agent not authenticated: give the image credentials or an"
            + " API key (the first instance's agent was refused; the others did not start)";

    public static final int EXIT_AGENT = 4;
    public static final int EXIT_GIT = 5;
    public static final int EXIT_TIMED_OUT = 6;
    public static final int EXIT_CANCELLED = 7;
    /** The agent was stopped because its reported cost passed its budget; its work was pushed as WIP. */
    public static final int EXIT_BUDGET = 8;

    private static final Set<String> IMAGE_PULL_FAILURES =
            Set.of("ImagePullBackOff", "ErrImagePull", "InvalidImageName", "ErrImageNeverPull", "RegistryUnavailable");
    private static final Set<String> CONFIG_FAILURES =
            Set.of("CreateContainerConfigError", "CreateContainerError", "RunContainerError");
    private static final ObjectMapper JSON = new ObjectMapper();

    private PodStatusReader() {}

    /** The instance the pod runs and its state, or empty for a pod that is not a session's. */
    public static Optional<InstanceObservation> read(Pod pod) {
        UUID session = SessionJobBuilder.sessionOf(pod.getMetadata().getLabels());
        Integer index = completionIndex(pod);
        if (session == null || index == null) {
            return Optional.empty();
        }
        String name = pod.getMetadata().getName();
        var status = pod.getStatus();
        String phase = status == null || status.getPhase() == null ? "Pending" : status.getPhase();
        ContainerStatus clone = status(pod, SessionJobBuilder.CLONE);
        ContainerStatus agent = status(pod, SessionJobBuilder.CONTAINER);
        ContainerStatus publish = status(pod, SessionJobBuilder.PUBLISH);
        // Publish reports the instance, unless the clone failed and there was nothing to publish.
        ContainerStateTerminated cloned = terminated(clone);
        ContainerStateTerminated reporter = cloned != null && cloned.getExitCode() != null && cloned.getExitCode() != 0
                ? cloned
                : terminated(publish);
        TerminationMessage message = reporter == null ? null : message(reporter.getMessage());
        return Optional.of(
                switch (phase) {
                    case "Running" -> new InstanceObservation(session, index, name, Phase.RUNNING, null, null, null);
                    case "Succeeded" ->
                        new InstanceObservation(
                                session,
                                index,
                                name,
                                Phase.SUCCEEDED,
                                message != null ? message.reason() : null,
                                0,
                                message);
                    case "Failed" ->
                        failed(
                                session,
                                index,
                                name,
                                status.getReason(),
                                status.getMessage(),
                                oomKilled(agent) ? terminated(agent) : reporter,
                                message);
                    default -> pending(session, index, name, clone, agent, publish, status.getConditions());
                });
    }

    /**
     * An instance whose entrypoint exited (a local process, where there is no pod): the same
     * reasons as for a pod's container.
     */
    public static InstanceObservation exited(UUID session, int index, String name, int exitCode, String message) {
        TerminationMessage report = message(message);
        if (exitCode == 0) {
            return new InstanceObservation(
                    session, index, name, Phase.SUCCEEDED, report != null ? report.reason() : null, 0, report);
        }
        ContainerStateTerminated terminated = new ContainerStateTerminated();
        terminated.setExitCode(exitCode);
        return failed(session, index, name, null, null, terminated, report);
    }

    /**
     * The reason the whole Job failed, when it did for a reason its pods cannot tell: its deadline,
     * or a refused login that stopped it before its other instances started.
     */
    public static Optional<String> jobFailure(Job job) {
        if (job.getStatus() == null || job.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        return job.getStatus().getConditions().stream()
                .filter(c -> "Failed".equals(c.getType()) && "True".equals(c.getStatus()))
                .map(JobCondition::getReason)
                .map(r -> switch (r) {
                    case "DeadlineExceeded" -> "deadline exceeded: the session ran longer than its timeout";
                    // Only a Job that starts one instance first has the policy (SessionJobBuilder).
                    case "PodFailurePolicy" -> LOGIN_REFUSED_FIRST;
                    default -> "";
                })
                .filter(r -> !r.isEmpty())
                .findFirst();
    }

    private static InstanceObservation pending(
            UUID session,
            int index,
            String name,
            ContainerStatus clone,
            ContainerStatus agent,
            ContainerStatus publish,
            List<PodCondition> conditions) {
        // The first step that waits for a reason worth telling: the clone's image before the agent's.
        ContainerStateWaiting waiting = java.util.stream.Stream.of(clone, agent, publish)
                .filter(c -> c != null && c.getState() != null && c.getState().getWaiting() != null)
                .map(c -> c.getState().getWaiting())
                .filter(w -> w.getReason() != null && !"PodInitializing".equals(w.getReason()))
                .findFirst()
                .orElse(null);
        if (waiting != null && IMAGE_PULL_FAILURES.contains(waiting.getReason())) {
            return new InstanceObservation(
                    session,
                    index,
                    name,
                    Phase.FAILED,
                    "image not pullable (" + waiting.getReason() + ")" + suffix(waiting.getMessage()),
                    null,
                    null);
        }
        if (waiting != null && CONFIG_FAILURES.contains(waiting.getReason())) {
            return new InstanceObservation(
                    session,
                    index,
                    name,
                    Phase.FAILED,
                    "pod not startable (" + waiting.getReason() + ")" + suffix(waiting.getMessage()),
                    null,
                    null);
        }
        String reason = waiting != null
                ? waiting.getReason()
                : conditions == null
                        ? null
                        : conditions.stream()
                                .filter(c -> "PodScheduled".equals(c.getType()) && "False".equals(c.getStatus()))
                                .map(c -> "not scheduled: " + c.getMessage())
                                .findFirst()
                                .orElse(null);
        return new InstanceObservation(session, index, name, Phase.PENDING, reason, null, null);
    }

    private static InstanceObservation failed(
            UUID session,
            int index,
            String name,
            String podReason,
            String podMessage,
            ContainerStateTerminated terminated,
            TerminationMessage message) {
        Integer code = terminated == null ? null : terminated.getExitCode();
        String detail = message != null && message.reason() != null ? ": " + message.reason() : "";
        String reason;
        if ("Evicted".equals(podReason)) {
            reason = "evicted" + suffix(podMessage);
        } else if ("DeadlineExceeded".equals(podReason)) {
            reason = "deadline exceeded: the session ran longer than its timeout";
        } else if (terminated != null && "OOMKilled".equals(terminated.getReason())) {
            reason = "out of memory (OOMKilled): raise para.kubernetes.pod.memory-limit";
        } else if (code == null) {
            reason = "pod failed" + (podReason != null ? " (" + podReason + ")" : "") + suffix(podMessage);
        } else {
            reason = switch (code) {
                case EXIT_CONFIG -> "bad configuration" + detail;
                case EXIT_AGENT_AUTH -> "agent not authenticated: give the image credentials or an API key";
                case EXIT_AGENT -> "agent failed" + detail;
                case EXIT_GIT -> "git failed" + detail;
                case EXIT_TIMED_OUT -> "timed out" + detail;
                case EXIT_CANCELLED -> "stopped" + detail;
                case EXIT_BUDGET -> "budget exceeded" + detail;
                default -> "exited with code " + code + detail;
            };
        }
        Phase phase = Phase.FAILED;
        if (code != null && podReason == null && code == EXIT_TIMED_OUT) {
            phase = Phase.TIMED_OUT;
        } else if (code != null && podReason == null && code == EXIT_BUDGET) {
            phase = Phase.BUDGET_EXCEEDED;
        }
        return new InstanceObservation(session, index, name, phase, reason, code, message);
    }

    private static TerminationMessage message(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            JsonNode json = JSON.readTree(text);
            return new TerminationMessage(
                    textOf(json, "branch"),
                    textOf(json, "head"),
                    json.path("pushed").isBoolean() ? json.path("pushed").asBoolean() : null,
                    json.path("wip").isBoolean() ? json.path("wip").asBoolean() : null,
                    textOf(json, "agent"),
                    json.path("cost").isNumber() ? json.path("cost").decimalValue() : null,
                    intOf(json, "turns"),
                    intOf(json, "files"),
                    intOf(json, "insertions"),
                    intOf(json, "deletions"),
                    json.path("tests").isBoolean() ? json.path("tests").asBoolean() : null,
                    textOf(json, "summary"),
                    textOf(json, "reason"));
        } catch (IOException e) {
            return null; // not ours (the image printed something else): the exit code still tells
        }
    }

    private static Integer intOf(JsonNode json, String field) {
        JsonNode value = json.path(field);
        return value.isNumber() && value.canConvertToInt() ? value.asInt() : null;
    }

    private static String textOf(JsonNode json, String field) {
        JsonNode value = json.path(field);
        return value.isTextual() && !value.asText().isEmpty() ? value.asText() : null;
    }

    private static Integer completionIndex(Pod pod) {
        Map<String, String> annotations = pod.getMetadata().getAnnotations();
        String value = annotations == null ? null : annotations.get(SessionJobBuilder.COMPLETION_INDEX_ANNOTATION);
        if (value == null && pod.getMetadata().getLabels() != null) {
            value = pod.getMetadata().getLabels().get(SessionJobBuilder.COMPLETION_INDEX_ANNOTATION);
        }
        try {
            return value == null ? null : Integer.parseInt(value) + 1;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** A step's status, among the init containers (clone) or the containers (agent, publish). */
    private static ContainerStatus status(Pod pod, String container) {
        if (pod.getStatus() == null) {
            return null;
        }
        return java.util.stream.Stream.of(
                        pod.getStatus().getInitContainerStatuses(),
                        pod.getStatus().getContainerStatuses())
                .filter(java.util.Objects::nonNull)
                .flatMap(List::stream)
                .filter(c -> container.equals(c.getName()))
                .findFirst()
                .orElse(null);
    }

    /** How the container ended, now or the last time. */
    private static ContainerStateTerminated terminated(ContainerStatus container) {
        if (container == null) {
            return null;
        }
        if (container.getState() != null && container.getState().getTerminated() != null) {
            return container.getState().getTerminated();
        }
        return container.getLastState() != null ? container.getLastState().getTerminated() : null;
    }

    private static boolean oomKilled(ContainerStatus container) {
        ContainerStateTerminated end = terminated(container);
        return end != null && "OOMKilled".equals(end.getReason());
    }

    private static String suffix(String message) {
        if (message == null || message.isBlank()) {
            return "";
        }
        return ": " + Texts.truncate(message, 300);
    }
}
