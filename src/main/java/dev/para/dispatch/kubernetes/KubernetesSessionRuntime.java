package dev.para.dispatch.kubernetes;

import dev.para.dispatch.Redactor;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.micrometer.core.instrument.Timer;
import io.quarkus.logging.Log;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/** Session pods as Indexed Jobs in the sessions namespace. */
public class KubernetesSessionRuntime implements SessionRuntime {

    private static final String ENTRYPOINT_RESOURCE = "/session/entrypoint.sh";
    private static final Duration TOKEN_WAIT = Duration.ofMinutes(2);

    private final KubernetesClient client;
    private final SessionJobBuilder builder;
    private final KubernetesMetrics metrics;
    private final String namespace;
    private final String script;
    private final Duration stopGrace;
    /** Entrypoint ConfigMaps known to exist: they are immutable and named by their content. */
    private final Set<String> entrypoints = ConcurrentHashMap.newKeySet();

    public KubernetesSessionRuntime(KubernetesClient client, KubernetesConfig config, KubernetesMetrics metrics) {
        this.client = client;
        this.builder = new SessionJobBuilder(config);
        this.metrics = metrics;
        this.namespace = sessionsNamespace(config, client);
        this.script = entrypointScript();
        this.stopGrace = Duration.ofSeconds(config.pod().terminationGracePeriodSeconds());
    }

    /** The namespace session Jobs live in. */
    public String namespace() {
        return namespace;
    }

    /**
     * The configured sessions namespace, else the client's own (in a cluster: the service's).
     * Outside a cluster with neither, there is nowhere to run sessions: say so rather than fail
     * somewhere in the client.
     */
    static String sessionsNamespace(KubernetesConfig config, KubernetesClient client) {
        return config.namespace()
                .or(() -> Optional.ofNullable(client.getNamespace()))
                .orElseThrow(
                        () -> new IllegalStateException("No namespace for session Jobs: set para.kubernetes.namespace,"
                                + " run the service in a cluster or with a kubeconfig that names a namespace,"
                                + " or choose para.session-runtime=local or para.dry-run=true"));
    }

    /**
     * Two writes in a row in the common case: the Job, made while the token is minted, then its
     * Secret. A private image's pull Secret comes first, because the kubelet pulls only once
     * before backing off; it is handed to the Job as owner afterwards. Every step finds what an
     * earlier, interrupted try made, so a retry never makes a second Job.
     */
    @Override
    public String launch(SessionLaunch launch, CompletionStage<String> token) {
        String entrypoint = ensureEntrypoint();
        if (launch.pullSecret() != null) {
            call(
                    "apply_pull_secret",
                    () -> client.secrets()
                            .inNamespace(namespace)
                            .resource(builder.pullSecret(launch))
                            .createOr(NonDeletingOperation::update));
        }
        Job job = call(
                "create_job",
                () -> createOrFind(
                        client.batch().v1().jobs().inNamespace(namespace).resource(builder.job(launch, entrypoint))));
        String minted = await(token);
        call(
                "apply_secret",
                () -> client.secrets()
                        .inNamespace(namespace)
                        .resource(builder.secret(launch, minted, job))
                        .createOr(NonDeletingOperation::update));
        if (launch.pullSecret() != null) {
            call(
                    "own_pull_secret",
                    () -> client.secrets()
                            .inNamespace(namespace)
                            .withName(SessionJobBuilder.pullSecretName(launch.sessionId()))
                            .patch(PatchContext.of(PatchType.JSON_MERGE), SessionJobBuilder.ownerReferencePatch(job)));
        }
        return job.getMetadata().getName();
    }

    @Override
    public void replaceToken(UUID sessionId, String token) {
        String name = SessionJobBuilder.jobName(sessionId);
        String patch = "{\"data\":{\"" + SessionJobBuilder.TOKEN_KEY + "\":\""
                + SessionJobBuilder.tokenData(token).get(SessionJobBuilder.TOKEN_KEY) + "\"}}";
        call(
                "replace_token",
                () -> client.secrets()
                        .inNamespace(namespace)
                        .withName(name)
                        .patch(PatchContext.of(PatchType.JSON_MERGE), patch));
    }

    @Override
    public Duration stopGrace() {
        return stopGrace;
    }

    @Override
    public void stop(UUID sessionId) {
        String name = SessionJobBuilder.jobName(sessionId);
        call(
                "delete_job",
                () -> client.batch()
                        .v1()
                        .jobs()
                        .inNamespace(namespace)
                        .withName(name)
                        .withPropagationPolicy(DeletionPropagation.BACKGROUND)
                        .delete());
        // Owned by the Job, but deleted at once: its credentials should not linger. Pods that are
        // stopping keep the files they have mounted, so publish still pushes.
        deleteSecrets(sessionId);
    }

    @Override
    public void deleteSecrets(UUID sessionId) {
        call(
                "delete_secret",
                () -> client.secrets()
                        .inNamespace(namespace)
                        .withName(SessionJobBuilder.jobName(sessionId))
                        .delete());
        call(
                "delete_pull_secret",
                () -> client.secrets()
                        .inNamespace(namespace)
                        .withName(SessionJobBuilder.pullSecretName(sessionId))
                        .delete());
    }

    @Override
    public InputStream log(String podName, boolean follow) {
        var pod = client.pods().inNamespace(namespace).withName(podName).inContainer(SessionJobBuilder.CONTAINER);
        return call(
                "read_log",
                () -> follow
                        ? pod.watchLog().getOutput()
                        : new java.io.ByteArrayInputStream(pod.getLog().getBytes(StandardCharsets.UTF_8)));
    }

    /** The minted token, as the launch waits for it; its failure is the launch's failure. */
    static String await(CompletionStage<String> token) {
        try {
            return token.toCompletableFuture().get(TOKEN_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException("token", e.getCause());
        } catch (TimeoutException e) {
            throw new SessionRuntimeException("The session token did not arrive in time", true, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SessionRuntimeException("Interrupted while waiting for the session token", true, null);
        }
    }

    /** Creates the object, or returns the one an earlier try created under the same name. */
    private static <T extends HasMetadata> T createOrFind(Resource<T> resource) {
        try {
            return resource.create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
            T existing = resource.get();
            if (existing == null) {
                throw e;
            }
            Log.infof(
                    "%s %s already exists; carrying on with it",
                    existing.getKind(), existing.getMetadata().getName());
            return existing;
        }
    }

    private String ensureEntrypoint() {
        ConfigMap configMap = builder.entrypoint(script);
        String name = configMap.getMetadata().getName();
        if (!entrypoints.contains(name)) {
            call(
                    "create_entrypoint",
                    () -> createOrFind(
                            client.configMaps().inNamespace(namespace).resource(configMap)));
            entrypoints.add(name);
        }
        return name;
    }

    private <T> T call(String operation, Supplier<T> request) {
        Timer.Sample sample = metrics.start();
        String outcome = "success";
        try {
            return request.get();
        } catch (KubernetesClientException e) {
            outcome = e.getCode() == 0 ? "network_error" : "status_" + (e.getCode() / 100) + "xx";
            throw new SessionRuntimeException(
                    "Kubernetes " + operation + " failed with status " + e.getCode()
                            + (e.getStatus() != null && e.getStatus().getReason() != null
                                    ? " (" + e.getStatus().getReason() + ")"
                                    : ""),
                    isTransient(e.getCode()),
                    null);
        } catch (RuntimeException e) {
            outcome = "error";
            throw new SessionRuntimeException(
                    "Kubernetes " + operation + " failed: " + Redactor.describe(e), true, null);
        } finally {
            sample.stop(metrics.request(operation, outcome));
        }
    }

    private static boolean isTransient(int code) {
        return code == 0 || code == 409 || code == 429 || code >= 500;
    }

    /** The entrypoint script the service ships (the same for pods and local processes). */
    static String entrypointScript() {
        try (InputStream in = KubernetesSessionRuntime.class.getResourceAsStream(ENTRYPOINT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("The session entrypoint " + ENTRYPOINT_RESOURCE + " is missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, String> selector() {
        return Map.of(SessionJobBuilder.MANAGED_BY_LABEL, SessionJobBuilder.MANAGED_BY);
    }
}
