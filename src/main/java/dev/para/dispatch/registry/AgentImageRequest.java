package dev.para.dispatch.registry;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The body of {@code PUT /api/v1/agent-images/{name}}. {@code credential}: absent for a public
 * image, the name of a {@code registry-basic} credential, or {@code github-app} for ghcr.io images
 * of an installation's owner.
 */
public record AgentImageRequest(String image, String credential, @JsonProperty("default") Boolean isDefault, Resources resources,
        String agentCommand) {

    /** Kubernetes quantities for the agent container; absent ones keep the service's defaults. */
    public record Resources(String cpuRequest, String memoryRequest, String cpuLimit, String memoryLimit) {}
}
