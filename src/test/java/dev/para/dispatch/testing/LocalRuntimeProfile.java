package dev.para.dispatch.testing;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The service as dev mode runs it without a cluster: sessions on the local runtime (the real
 * entrypoint as local processes), the fake agent, and one loopback git server for every test of
 * this profile (they share one started application).
 */
public class LocalRuntimeProfile implements QuarkusTestProfile {

    private static GitServer git;

    public static synchronized GitServer git() {
        if (git == null) {
            try {
                git = new GitServer(Files.createDirectories(Path.of("target", "tmp", "local-runtime-git"))
                        .toAbsolutePath());
                git.acceptAnyInstallationToken();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return git;
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        return KubernetesMock.configWith(Map.of(
                "para.session-runtime",
                "local",
                "para.local-runtime-dir",
                "target/tmp/local-sessions",
                "para.kubernetes.pod.agent-command",
                Path.of("src/test/resources/session/fake-agent.sh")
                        .toAbsolutePath()
                        .toString(),
                "para.sessions.git-url",
                git().url(),
                "para.kubernetes.pod.agent-auth-check",
                "none"));
    }
}
