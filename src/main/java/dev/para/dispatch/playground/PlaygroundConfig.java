package dev.para.dispatch.playground;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;

/**
 * The playground: a forge on loopback that stands in for GitHub, so that the whole flow can be
 * tried with nothing but this service. Dev mode turns it on while no GitHub App is configured
 * (and points {@code para.github.*} and {@code para.sessions.git-url} at it); it is never in a
 * production build.
 */
@ConfigMapping(prefix = "para.playground")
public interface PlaygroundConfig {

    /** Start the forge and serve {@code /playground}. */
    @WithDefault("false")
    boolean enabled();

    /** The forge's port on 127.0.0.1 (its git server, its GitHub API under /api/v3, its pages). */
    @WithDefault("0")
    int port();

    /** Where the forge keeps its repositories and state. */
    @WithDefault("target/playground")
    Path dir();

    /** The demo repository, seeded at the first start. */
    @WithDefault("demo/hello")
    String repository();

    /** The account the App's installation on the demo owner is linked to (dev mode's token is for {@code dev}). */
    @WithDefault("dev")
    String account();

    /** The GitHub login that account acts as at the forge: an admin of the demo repository. */
    @WithDefault("octocat")
    String user();

    /** The agent the playground's sessions run: Claude Code when it is on PATH and logged in, else the demo agent. */
    @WithDefault("the demo agent")
    String agent();
}
