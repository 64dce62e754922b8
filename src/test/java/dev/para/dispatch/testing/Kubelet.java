package dev.para.dispatch.testing;

import dev.para.dispatch.kubernetes.SessionJobBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.UUID;

/**
 * Plays the Job controller and the kubelet against the mock API server: makes the pod of an
 * instance and moves it through the phases a real cluster reports.
 */
public final class Kubelet {

    private Kubelet() {}

    /** Waits until the service has deleted the session's Job (a cancel, a stop). */
    public static void awaitJobDeleted(UUID session) {
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(20))
                .until(() -> KubernetesMock.client()
                                .batch()
                                .v1()
                                .jobs()
                                .withName(SessionJobBuilder.jobName(session))
                                .get()
                        == null);
    }

    /** Waits until the service has deleted the session's Secret (token, prompt, agent credential). */
    public static void awaitSecretDeleted(UUID session) {
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(10))
                .until(() -> KubernetesMock.client()
                                .secrets()
                                .withName(SessionJobBuilder.jobName(session))
                                .get()
                        == null);
    }

    public static String podName(UUID session, int index) {
        return SessionJobBuilder.jobName(session) + "-" + (index - 1) + "-abcde";
    }

    /** The pod the Job controller makes for instance {@code index} (1-based), Pending. */
    public static Pod startPod(UUID session, int index) {
        Job job = job(session);
        Pod pod = new PodBuilder()
                .withNewMetadata()
                .withName(podName(session, index))
                .withLabels(job.getSpec().getTemplate().getMetadata().getLabels())
                .withAnnotations(job.getSpec().getTemplate().getMetadata().getAnnotations())
                .addToAnnotations(SessionJobBuilder.COMPLETION_INDEX_ANNOTATION, String.valueOf(index - 1))
                .endMetadata()
                .withSpec(job.getSpec().getTemplate().getSpec())
                .withNewStatus()
                .withPhase("Pending")
                .endStatus()
                .build();
        return KubernetesMock.client().pods().resource(pod).create();
    }

    public static void waiting(UUID session, int index, String reason, String message) {
        status(
                session,
                index,
                "Pending",
                new ContainerStatusBuilder()
                        .withName(SessionJobBuilder.CONTAINER)
                        .withNewState()
                        .withNewWaiting()
                        .withReason(reason)
                        .withMessage(message)
                        .endWaiting()
                        .endState()
                        .build(),
                null);
    }

    public static void running(UUID session, int index) {
        agentRunning(session, index, false);
    }

    /** The agent container's readiness probe passed: its agent made its first real turn. */
    public static void letIn(UUID session, int index) {
        agentRunning(session, index, true);
    }

    private static void agentRunning(UUID session, int index, boolean ready) {
        status(
                session,
                index,
                "Running",
                new ContainerStatusBuilder()
                        .withName(SessionJobBuilder.CONTAINER)
                        .withReady(ready)
                        .withNewState()
                        .withNewRunning()
                        .withStartedAt("2026-11-23T10:00:00Z")
                        .endRunning()
                        .endState()
                        .build(),
                null);
    }

    /** The Job controller failed the whole Job, for this condition reason (its deadline, its pod failure policy). */
    public static void jobFailed(UUID session, String reason) {
        Job job = job(session);
        job.setStatus(new io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder()
                .addNewCondition()
                .withType("Failed")
                .withStatus("True")
                .withReason(reason)
                .endCondition()
                .build());
        KubernetesMock.client().batch().v1().jobs().resource(job).updateStatus();
    }

    public static Job job(UUID session) {
        return KubernetesMock.client()
                .batch()
                .v1()
                .jobs()
                .withName(SessionJobBuilder.jobName(session))
                .get();
    }

    /** The pod ended: publish with the exit code and its termination message (the report). */
    public static void terminated(UUID session, int index, int exitCode, String reason, String message) {
        status(
                session,
                index,
                exitCode == 0 ? "Succeeded" : "Failed",
                new ContainerStatusBuilder()
                        .withName(SessionJobBuilder.PUBLISH)
                        .withNewState()
                        .withNewTerminated()
                        .withExitCode(exitCode)
                        .withReason(reason)
                        .withMessage(message)
                        .endTerminated()
                        .endState()
                        .build(),
                null);
    }

    public static void evicted(UUID session, int index) {
        status(session, index, "Failed", null, "Evicted");
    }

    /** A termination message as the entrypoint writes it. */
    public static String report(String branch, String head, boolean pushed, String reason) {
        return "{\"branch\":\"" + branch + "\",\"head\":\"" + head + "\",\"pushed\":" + pushed
                + ",\"cost\":0.4213,\"turns\":12,\"reason\":\"" + reason + "\"}";
    }

    private static void status(
            UUID session,
            int index,
            String phase,
            io.fabric8.kubernetes.api.model.ContainerStatus container,
            String reason) {
        var pods = KubernetesMock.client().pods().withName(podName(session, index));
        Pod pod = pods.get();
        pod.getStatus().setPhase(phase);
        pod.getStatus().setReason(reason);
        pod.getStatus().setContainerStatuses(container == null ? java.util.List.of() : java.util.List.of(container));
        KubernetesMock.client().pods().resource(pod).updateStatus();
    }
}
