package dev.para.dispatch.registry;

import dev.para.dispatch.kubernetes.AgentSettings;
import java.util.Map;
import java.util.Optional;

/**
 * What a session's pods need of their image: the login to pull it with, the agent's credential
 * files (session file name → value), and the image's own agent command and resources.
 * {@link #toString()} shows neither the login nor the files.
 */
public record LaunchImage(Optional<PullLogin> pull, Map<String, String> agentFiles, AgentSettings agent) {

    @Override
    public String toString() {
        return "LaunchImage[pull=" + pull.map(PullLogin::registry).orElse("none") + ", agentFiles="
                + agentFiles.keySet() + ", agent=" + agent + "]";
    }
}
