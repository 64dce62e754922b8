package dev.para.dispatch.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LoginGateTest {

    /**
     * A pod of a Job that starts one instance first, in each state the first pod passes through:
     * the agent ready or not, publish running or ended with a code; whether the gate opens.
     */
    @ParameterizedTest(name = "agent ready {0}, publish exit {1}: opens {2}")
    @CsvSource(
            nullValues = "none",
            value = {
                "false, none, false", // cloning, or the agent has not made its first turn yet
                "true,  none, true", //  the agent's first real turn: let in
                "false, 0,    true", //  done before the probe saw it
                "false, 4,    true", //  the agent failed after it got in
                "false, 5,    true", //  git failed: says nothing of the login, so the next may try
                "false, 8,    true", //  budget exceeded: it got in and spent
                "false, 3,    false", // refused: the Job's pod failure policy fails it instead
            })
    void theGateOpensOnceTheFirstAgentIsLetIn(boolean agentReady, Integer publishExit, boolean opens) {
        Pod pod = pod(Map.of(SessionJobBuilder.GATED_PARALLELISM_ANNOTATION, "3"), agentReady, publishExit);
        assertEquals(opens ? OptionalInt.of(3) : OptionalInt.empty(), LoginGate.opensTo(pod));
    }

    @ParameterizedTest(name = "annotation {0}")
    @CsvSource(
            nullValues = "none",
            value = {"none", "0", "-1", "three", "99999"})
    void onlyAPodOfAGatedJobOpensOne(String annotation) {
        Map<String, String> annotations =
                annotation == null ? Map.of() : Map.of(SessionJobBuilder.GATED_PARALLELISM_ANNOTATION, annotation);
        assertEquals(OptionalInt.empty(), LoginGate.opensTo(pod(annotations, true, 0)));
    }

    @org.junit.jupiter.api.Test
    void theGateIsOpenedByRaisingTheParallelism() {
        assertEquals("{\"spec\":{\"parallelism\":3}}", LoginGate.patch(3));
    }

    private static Pod pod(Map<String, String> annotations, boolean agentReady, Integer publishExit) {
        List<ContainerStatus> statuses = new ArrayList<>();
        statuses.add(new ContainerStatusBuilder()
                .withName(SessionJobBuilder.CONTAINER)
                .withReady(agentReady)
                .withNewState()
                .withNewRunning()
                .endRunning()
                .endState()
                .build());
        ContainerStatusBuilder publish =
                new ContainerStatusBuilder().withName(SessionJobBuilder.PUBLISH).withReady(false);
        if (publishExit == null) {
            publish.withNewState().withNewRunning().endRunning().endState();
        } else {
            publish.withNewState()
                    .withNewTerminated()
                    .withExitCode(publishExit)
                    .endTerminated()
                    .endState();
        }
        statuses.add(publish.build());
        return new PodBuilder()
                .withNewMetadata()
                .withName("para-x-0-abcde")
                .withAnnotations(annotations)
                .endMetadata()
                .withNewStatus()
                .withContainerStatuses(statuses)
                .endStatus()
                .build();
    }
}
