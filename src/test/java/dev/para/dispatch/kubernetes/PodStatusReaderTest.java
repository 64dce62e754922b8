package dev.para.dispatch.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.para.dispatch.kubernetes.InstanceObservation.Phase;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.math.BigDecimal;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class PodStatusReaderTest {

    static final UUID SESSION = UUID.randomUUID();

    static Pod pod(String phase, String podReason, io.fabric8.kubernetes.api.model.ContainerStatus... statuses) {
        var all = (statuses == null
                        ? java.util.stream.Stream.<io.fabric8.kubernetes.api.model.ContainerStatus>empty()
                        : java.util.Arrays.stream(statuses))
                .filter(java.util.Objects::nonNull)
                .toList();
        return new PodBuilder()
                .withNewMetadata()
                .withName("p")
                .withLabels(Map.of(
                        SessionJobBuilder.MANAGED_BY_LABEL,
                        SessionJobBuilder.MANAGED_BY,
                        SessionJobBuilder.SESSION_LABEL,
                        SESSION.toString()))
                .withAnnotations(Map.of(SessionJobBuilder.COMPLETION_INDEX_ANNOTATION, "2"))
                .endMetadata()
                .withNewStatus()
                .withPhase(phase)
                .withReason(podReason)
                .withInitContainerStatuses(all.stream()
                        .filter(c -> c.getName().equals(SessionJobBuilder.CLONE))
                        .toList())
                .withContainerStatuses(all.stream()
                        .filter(c -> !c.getName().equals(SessionJobBuilder.CLONE))
                        .toList())
                .endStatus()
                .build();
    }

    /** Publish's end: it reports the instance. */
    static io.fabric8.kubernetes.api.model.ContainerStatus exited(int code, String reason, String message) {
        return exited(SessionJobBuilder.PUBLISH, code, reason, message);
    }

    static io.fabric8.kubernetes.api.model.ContainerStatus exited(
            String container, int code, String reason, String message) {
        return new ContainerStatusBuilder()
                .withName(container)
                .withNewState()
                .withNewTerminated()
                .withExitCode(code)
                .withReason(reason)
                .withMessage(message)
                .endTerminated()
                .endState()
                .build();
    }

    static InstanceObservation read(Pod pod) {
        return PodStatusReader.read(pod).orElseThrow();
    }

    @Test
    void theCompletionIndexNamesTheInstance() {
        InstanceObservation o = read(pod("Running", null));
        assertEquals(SESSION, o.sessionId());
        assertEquals(3, o.index());
        assertEquals(Phase.RUNNING, o.phase());
        assertTrue(PodStatusReader.read(new PodBuilder()
                        .withNewMetadata()
                        .withName("other")
                        .endMetadata()
                        .build())
                .isEmpty());
    }

    @Test
    void theTerminationMessageReportsTheWork() {
        InstanceObservation o = read(
                pod(
                        "Succeeded",
                        null,
                        exited(
                                0,
                                "Completed",
                                "{\"branch\":\"para/x-3\",\"head\":\"abc\",\"pushed\":true,\"cost\":1.25,\"turns\":9,\"reason\":\"pushed para/x-3\"}")));
        assertEquals(Phase.SUCCEEDED, o.phase());
        assertEquals("abc", o.message().head());
        assertEquals(true, o.message().pushed());
        assertEquals(new BigDecimal("1.25"), o.message().cost());
        assertEquals(9, o.message().turns());
    }

    static Object[][] failures() {
        return new Object[][] {
            {
                pod(
                        "Failed",
                        null,
                        exited(SessionJobBuilder.CLONE, 2, "Error", "{\"reason\":\"PARA_CLONE_URL is not set\"}")),
                "bad configuration: PARA_CLONE_URL is not set"
            },
            {pod("Failed", null, exited(3, "Error", null)), "agent not authenticated"},
            {
                pod("Failed", null, exited(4, "Error", "{\"reason\":\"the agent failed (exit 1)\"}")),
                "agent failed: the agent failed (exit 1)"
            },
            {
                pod("Failed", null, exited(5, "Error", "{\"reason\":\"git push of para/x failed\"}")),
                "git failed: git push of para/x failed"
            },
            {
                pod(
                        "Failed",
                        null,
                        exited(SessionJobBuilder.CONTAINER, 137, "OOMKilled", null),
                        exited(4, "Error", "{\"reason\":\"the agent failed\"}")),
                "out of memory (OOMKilled)"
            },
            {
                pod(
                        "Failed",
                        null,
                        exited(SessionJobBuilder.CLONE, 5, "Error", "{\"reason\":\"git clone of main failed\"}")),
                "git failed: git clone of main failed"
            },
            {pod("Failed", "Evicted"), "evicted"},
            {pod("Failed", "DeadlineExceeded"), "deadline exceeded"},
            {pod("Failed", null, exited(1, "Error", "not json")), "exited with code 1"},
            {
                pod(
                        "Pending",
                        null,
                        new ContainerStatusBuilder()
                                .withName(SessionJobBuilder.CLONE)
                                .withNewState()
                                .withNewWaiting()
                                .withReason("ErrImagePull")
                                .withMessage("manifest unknown")
                                .endWaiting()
                                .endState()
                                .build()),
                "image not pullable (ErrImagePull): manifest unknown"
            },
        };
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("failures")
    void everyFailureHasAReasonAPersonCanActOn(Pod pod, String reason) {
        InstanceObservation o = read(pod);
        assertEquals(Phase.FAILED, o.phase(), reason);
        assertTrue(o.reason().startsWith(reason), o.reason() + " does not start with " + reason);
    }

    @Test
    void anAgentStoppedAtItsLimitTimedOutAndItsWorkIsKept() {
        InstanceObservation o = read(pod(
                "Failed",
                null,
                exited(SessionJobBuilder.CONTAINER, 0, "Completed", null),
                exited(
                        6,
                        "Error",
                        "{\"branch\":\"para/x-3\",\"head\":\"abc\",\"pushed\":true,\"wip\":true,"
                                + "\"agent\":\"timed-out\",\"reason\":\"the agent reached its time limit;"
                                + " its work is pushed as WIP to para/x-3\"}")));
        assertEquals(Phase.TIMED_OUT, o.phase());
        assertTrue(o.reason().startsWith("timed out: the agent reached its time limit"), o.reason());
        assertEquals(true, o.message().pushed());
        assertEquals(true, o.message().wip());
        assertEquals("timed-out", o.message().agent());
    }

    @Test
    void aWaitingPodIsPendingWithItsReason() {
        InstanceObservation o = read(pod(
                "Pending",
                null,
                new ContainerStatusBuilder()
                        .withName("agent")
                        .withNewState()
                        .withNewWaiting()
                        .withReason("ContainerCreating")
                        .endWaiting()
                        .endState()
                        .build()));
        assertEquals(Phase.PENDING, o.phase());
        assertEquals("ContainerCreating", o.reason());
    }

    /** The tracker's informers cache reduced pods and Jobs; what the resync hands over must read the same. */
    @Test
    void aPodOrJobFromTheTrackersReducedCacheReadsTheSame() {
        var serialization = new io.fabric8.kubernetes.client.utils.KubernetesSerialization();
        var pods = SessionTracker.reducedStore(Pod.class, serialization);
        Pod pod = new PodBuilder(
                        pod(
                                "Failed",
                                null,
                                exited(
                                        1,
                                        "Error",
                                        "{\"branch\":\"para/x-3\",\"head\":\"abc\",\"pushed\":true,\"reason\":\"agent failed\"}")))
                .editMetadata()
                .withNamespace("sessions")
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("agent")
                .withImage("ghcr.io/acme/agent:1")
                .endContainer()
                .endSpec()
                .build();
        pods.put(pods.getKey(pod), pod);
        Pod cached = pods.get(pods.getKey(pod));
        assertEquals(null, cached.getSpec(), "the spec is not kept");
        assertEquals(read(pod), read(cached));

        var jobs = SessionTracker.reducedStore(io.fabric8.kubernetes.api.model.batch.v1.Job.class, serialization);
        var job = new io.fabric8.kubernetes.api.model.batch.v1.JobBuilder()
                .withNewMetadata()
                .withName("para-x")
                .withNamespace("sessions")
                .withLabels(pod.getMetadata().getLabels())
                .endMetadata()
                .withNewSpec()
                .withCompletions(3)
                .endSpec()
                .withNewStatus()
                .addNewCondition()
                .withType("Failed")
                .withStatus("True")
                .withReason("DeadlineExceeded")
                .endCondition()
                .endStatus()
                .build();
        jobs.put(jobs.getKey(job), job);
        var cachedJob = jobs.get(jobs.getKey(job));
        assertEquals(
                SessionJobBuilder.sessionOf(job.getMetadata().getLabels()),
                SessionJobBuilder.sessionOf(cachedJob.getMetadata().getLabels()));
        assertEquals(PodStatusReader.jobFailure(job), PodStatusReader.jobFailure(cachedJob));
        assertTrue(PodStatusReader.jobFailure(cachedJob).isPresent());
    }

    static java.util.List<Object[]> jobFailures() {
        return java.util.Arrays.asList(
                new Object[] {"DeadlineExceeded", "deadline exceeded: the session ran longer than its timeout"},
                new Object[] {
                    "PodFailurePolicy",
                    "agent not authenticated: give the image credentials or an API key (the first instance's agent"
                            + " was refused; the others did not start)"
                },
                // A failed index (backoffLimitPerIndex 0): its pod tells why, the Job has nothing to add.
                new Object[] {"FailedIndexes", null});
    }

    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.MethodSource("jobFailures")
    void aFailedJobSaysWhyWhereItsPodsCannot(String conditionReason, String reason) {
        var job = new io.fabric8.kubernetes.api.model.batch.v1.JobBuilder()
                .withNewStatus()
                .addNewCondition()
                .withType("Failed")
                .withStatus("True")
                .withReason(conditionReason)
                .endCondition()
                .endStatus()
                .build();
        assertEquals(java.util.Optional.ofNullable(reason), PodStatusReader.jobFailure(job));
    }
}
