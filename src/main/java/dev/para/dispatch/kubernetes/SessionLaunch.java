package dev.para.dispatch.kubernetes;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * Everything a session's Kubernetes objects are built from, but its token (which arrives while
 * the Job is being made). Holds the prompt, so {@link #toString()} does not show it.
 *
 * @param agentCredentials files for the agent (name → content), e.g. {@code anthropic-api-key}
 * @param pullSecret the login the pods pull the image with, when the image needs one
 * @param agent the agent image's own command and resources, within the configured ceilings
 * @param budgetUsd the most each instance's agent may spend, as it reports its cost; null: no budget
 * @param startsAt when the launch began: the Job's deadline counts from about then
 */
public record SessionLaunch(
        UUID sessionId,
        String slug,
        String repository,
        String cloneUrl,
        String sourceBranch,
        String branchBase,
        int instances,
        String image,
        int timeoutMinutes,
        Integer maxTurns,
        String model,
        BigDecimal budgetUsd,
        String gitName,
        String gitEmail,
        String prompt,
        Map<String, String> agentCredentials,
        PullSecret pullSecret,
        AgentSettings agent,
        Instant startsAt) {

    @Override
    public String toString() {
        return "SessionLaunch[session=" + sessionId + ", repository=" + repository + ", instances=" + instances
                + ", image=" + image + "]";
    }
}
