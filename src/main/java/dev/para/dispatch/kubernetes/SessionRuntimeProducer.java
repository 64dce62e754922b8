package dev.para.dispatch.kubernetes;

import dev.para.dispatch.RuntimeConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.logging.Log;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Picks the session runtime: the cluster, or the log in dry-run mode. */
public class SessionRuntimeProducer {

    @Produces
    @Singleton
    SessionRuntime runtime(
            RuntimeConfig runtime,
            KubernetesConfig config,
            KubernetesClient client,
            KubernetesMetrics metrics,
            Instance<InstanceObserver> observer) {
        if (runtime.dryRun()) {
            Log.warn("para.dry-run is on: sessions create nothing in Kubernetes and write nothing to GitHub");
            return new DryRunSessionRuntime(config);
        }
        if (runtime.sessionRuntime() == RuntimeConfig.SessionRuntimeKind.LOCAL) {
            Log.infof(
                    "Sessions run as local processes under %s",
                    runtime.localRuntimeDir().toAbsolutePath());
            return new LocalSessionRuntime(runtime.localRuntimeDir().toAbsolutePath(), config, observer::get);
        }
        return new KubernetesSessionRuntime(client, config, metrics);
    }
}
