package dev.para.dispatch.agent;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.time.Duration;

/** The agent's provider as the service sees it: where its API is, and the check made before pods start. */
@ConfigMapping(prefix = "para.agent")
public interface AgentConfig {

    /** The Anthropic API the agent calls, asked before a launch whether the agent's credential works. */
    @WithDefault("https://api.anthropic.com")
    URI anthropicUrl();

    Preflight preflight();

    interface Preflight {
        /** Check the agent's credential once before a session's pods start (a dead one fails it at once). */
        @WithDefault("true")
        boolean enabled();

        /** How long a credential's answer is remembered. */
        @WithDefault("10m")
        Duration cacheTtl();

        /** How long the check may take; a slow or absent answer lets the launch go on (the pod checks again). */
        @WithDefault("10s")
        Duration timeout();
    }
}
