package dev.para.dispatch.kubernetes;

import java.util.Map;
import java.util.UUID;

/**
 * Everything a session's Kubernetes objects are built from. Holds the session token and prompt,
 * so {@link #toString()} shows neither.
 *
 * @param agentCredentials files for the agent (name → content), e.g. {@code anthropic-api-key}
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
        String gitName,
        String gitEmail,
        String prompt,
        String token,
        Map<String, String> agentCredentials) {

    @Override
    public String toString() {
        return "SessionLaunch[session=" + sessionId + ", repository=" + repository + ", instances=" + instances
                + ", image=" + image + "]";
    }
}
