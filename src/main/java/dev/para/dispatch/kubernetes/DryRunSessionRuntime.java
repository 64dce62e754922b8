package dev.para.dispatch.kubernetes;

import io.quarkus.logging.Log;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** {@code para.dry-run}: says what it would create and creates nothing. */
public class DryRunSessionRuntime implements SessionRuntime {

    private final SessionJobBuilder builder;

    public DryRunSessionRuntime(KubernetesConfig config) {
        this.builder = new SessionJobBuilder(config);
    }

    @Override
    public String launch(SessionLaunch launch, java.util.concurrent.CompletionStage<String> token) {
        var job = builder.job(launch, "para-entrypoint");
        var container = job.getSpec().getTemplate().getSpec().getContainers().get(0);
        Log.infof(
                "[dry-run] would create Job %s: %d pod(s) of %s for %s (branch %s from %s, deadline %ds),"
                        + " and Secret %s with keys token, prompt%s",
                job.getMetadata().getName(),
                launch.instances(),
                container.getImage(),
                launch.repository(),
                launch.branchBase(),
                launch.sourceBranch(),
                job.getSpec().getActiveDeadlineSeconds(),
                job.getMetadata().getName(),
                launch.agentCredentials().isEmpty()
                        ? ""
                        : ", " + String.join(", ", launch.agentCredentials().keySet()));
        return job.getMetadata().getName();
    }

    @Override
    public void replaceToken(UUID sessionId, String token) {
        Log.infof("[dry-run] would replace the token in Secret %s", SessionJobBuilder.jobName(sessionId));
    }

    @Override
    public void stop(UUID sessionId) {
        Log.infof("[dry-run] would delete Job %s", SessionJobBuilder.jobName(sessionId));
    }

    @Override
    public InputStream log(String podName, boolean follow) {
        return new ByteArrayInputStream(("[dry-run] no pod ran for this instance\n").getBytes(StandardCharsets.UTF_8));
    }
}
