package dev.para.dispatch.registry;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/** An agent image as the API shows it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AgentImageView(
        String name,
        String image,
        String credential,
        @JsonProperty("default") boolean isDefault,
        AgentImageRequest.Resources resources,
        String agentCommand,
        String agentCredential,
        String digest,
        Instant checkedAt,
        Instant createdAt,
        Instant updatedAt) {

    static AgentImageView of(AgentImage i) {
        String credential =
                AgentImage.PULL_GITHUB_APP.equals(i.pullWith) ? AgentImage.PULL_GITHUB_APP : i.credentialName;
        AgentImageRequest.Resources resources =
                i.cpuRequest == null && i.memoryRequest == null && i.cpuLimit == null && i.memoryLimit == null
                        ? null
                        : new AgentImageRequest.Resources(i.cpuRequest, i.memoryRequest, i.cpuLimit, i.memoryLimit);
        return new AgentImageView(
                i.name,
                i.image,
                credential,
                i.isDefault,
                resources,
                i.agentCommand,
                i.agentCredentialName,
                i.digest,
                i.checkedAt,
                i.createdAt,
                i.updatedAt);
    }
}
