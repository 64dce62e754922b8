package dev.para.dispatch.registry;

import java.util.Map;
import java.util.Optional;

/**
 * What a session's pods need of their image: the login to pull it with, and the agent's credential
 * files (session file name → value). {@link #toString()} shows neither.
 */
public record LaunchImage(Optional<PullLogin> pull, Map<String, String> agentFiles) {

    @Override
    public String toString() {
        return "LaunchImage[pull=" + pull.map(PullLogin::registry).orElse("none") + ", agentFiles=" + agentFiles.keySet() + "]";
    }
}
