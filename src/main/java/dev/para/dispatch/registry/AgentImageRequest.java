package dev.para.dispatch.registry;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The body of {@code PUT /api/v1/agent-images/{name}}. {@code credential}: absent for a public
 * image, or the name of a {@code registry-basic} credential ({@code github-app} is refused: ghcr.io
 * does not take App installation tokens). {@code agentCredential}: a credential of kind {@code anthropic-api-key} or
 * {@code claude-oauth-token} the agent runs with, for images without a baked-in login.
 */
public record AgentImageRequest(
        String image,
        String credential,
        @JsonProperty("default") Boolean isDefault,
        Resources resources,
        String agentCommand,
        String agentCredential) {

    /** Kubernetes quantities for the agent container; absent ones keep the service's defaults. */
    public record Resources(String cpuRequest, String memoryRequest, String cpuLimit, String memoryLimit) {}
}
