package dev.para.dispatch.kubernetes;

import dev.para.dispatch.LogFields;
import dev.para.dispatch.Redactor;
import dev.para.dispatch.RuntimeConfig;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.ReducedStateItemStore;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Follows session Jobs and pods with informers (one watch each, filtered by our labels; no
 * polling) and hands every change to the {@link InstanceObserver}. The informers' first list
 * after a start reconciles every session, and their periodic resync replays anything a brief
 * PostgreSQL outage made us drop. Every replica tracks; recording is idempotent.
 */
@ApplicationScoped
public class SessionTracker {

    private static final long RESYNC_MILLIS = 5 * 60 * 1000L;

    private final KubernetesClient client;
    private final KubernetesConfig config;
    private final RuntimeConfig runtime;
    private final InstanceObserver observer;
    /** What was last recorded per pod: a resync that brings nothing new costs no transaction. */
    private final Map<String, InstanceObservation> recorded = new ConcurrentHashMap<>();
    /** Sessions whose gate this replica has opened ({@link LoginGate}). */
    private final Set<UUID> opened = ConcurrentHashMap.newKeySet();

    private String namespace;
    private SharedIndexInformer<Pod> pods;
    private SharedIndexInformer<Job> jobs;

    SessionTracker(KubernetesClient client, KubernetesConfig config, RuntimeConfig runtime, InstanceObserver observer) {
        this.client = client;
        this.config = config;
        this.runtime = runtime;
        this.observer = observer;
    }

    void start(@Observes StartupEvent start) {
        if (runtime.dryRun() || runtime.sessionRuntime() != RuntimeConfig.SessionRuntimeKind.KUBERNETES) {
            return;
        }
        namespace = KubernetesSessionRuntime.sessionsNamespace(config, client);
        Map<String, String> selector = Map.of(
                SessionJobBuilder.MANAGED_BY_LABEL,
                SessionJobBuilder.MANAGED_BY,
                SessionJobBuilder.COMPONENT_LABEL,
                "session");
        pods = client.pods()
                .inNamespace(namespace)
                .withLabels(selector)
                .runnableInformer(RESYNC_MILLIS)
                .itemStore(reducedStore(Pod.class, client.getKubernetesSerialization()));
        pods.addEventHandler(handler(this::podChanged, this::podDeleted));
        jobs = client.batch()
                .v1()
                .jobs()
                .inNamespace(namespace)
                .withLabels(selector)
                .runnableInformer(RESYNC_MILLIS)
                .itemStore(reducedStore(Job.class, client.getKubernetesSerialization()));
        jobs.addEventHandler(handler(this::jobChanged, this::jobDeleted));
        // Started in the background: an API server that is away at start delays tracking, not the service.
        pods.start().whenComplete((ok, e) -> logStart("pods", namespace, e));
        jobs.start().whenComplete((ok, e) -> logStart("jobs", namespace, e));
    }

    void stop(@Observes ShutdownEvent stop) {
        if (pods != null) {
            pods.stop();
            jobs.stop();
        }
    }

    /** Whether both informers have listed what exists (for readiness). */
    public boolean isWatching() {
        return runtime.dryRun()
                || runtime.sessionRuntime() != RuntimeConfig.SessionRuntimeKind.KUBERNETES
                || (pods != null && pods.hasSynced() && jobs.hasSynced());
    }

    private void podChanged(Pod pod) {
        LoginGate.opensTo(pod).ifPresent(parallelism -> openGate(pod, parallelism));
        PodStatusReader.read(pod)
                .filter(o -> !o.equals(recorded.get(o.podName())))
                .ifPresent(o -> {
                    if (deliver(() -> observer.observed(o), o.sessionId())) {
                        recorded.put(o.podName(), o);
                    }
                });
    }

    /**
     * Starts the other instances of a session whose first pod's agent was let in. Every replica
     * may do it, each once; raising the parallelism to the same number again changes nothing.
     */
    private void openGate(Pod pod, int parallelism) {
        UUID session = SessionJobBuilder.sessionOf(pod.getMetadata().getLabels());
        if (session == null || !opened.add(session)) {
            return;
        }
        try (LogFields ignored = LogFields.session(session)) {
            client.batch()
                    .v1()
                    .jobs()
                    .inNamespace(namespace)
                    .withName(SessionJobBuilder.jobName(session))
                    .patch(PatchContext.of(PatchType.JSON_MERGE), LoginGate.patch(parallelism));
            Log.infof("Session %s: the agent's login was let in; starting its other instances", session);
        } catch (KubernetesClientException e) {
            opened.remove(session); // the next change of the pod, or the resync, tries again
            if (e.getCode() != 404) {
                Log.warnf("Could not start the other instances of session %s: %s", session, Redactor.describe(e));
            }
        }
    }

    private void podDeleted(Pod pod) {
        recorded.remove(pod.getMetadata().getName());
        // A pod deleted before it ended (eviction by a node drain, someone's kubectl delete) failed.
        PodStatusReader.read(pod)
                .filter(o -> o.phase() == InstanceObservation.Phase.PENDING
                        || o.phase() == InstanceObservation.Phase.RUNNING)
                .map(o -> new InstanceObservation(
                        o.sessionId(),
                        o.index(),
                        o.podName(),
                        InstanceObservation.Phase.FAILED,
                        "pod deleted before it ended",
                        null,
                        null))
                .ifPresent(o -> deliver(() -> observer.observed(o), o.sessionId()));
    }

    private void jobChanged(Job job) {
        UUID session = SessionJobBuilder.sessionOf(job.getMetadata().getLabels());
        if (session != null) {
            PodStatusReader.jobFailure(job)
                    .ifPresent(reason -> deliver(() -> observer.jobEnded(session, reason), session));
        }
    }

    private void jobDeleted(Job job) {
        UUID session = SessionJobBuilder.sessionOf(job.getMetadata().getLabels());
        if (session != null) {
            opened.remove(session);
            deliver(() -> observer.jobEnded(session, "the session's Job was deleted"), session);
        }
    }

    /** Records on a Vert.x context, in the informer's order (one change at a time); whether it was recorded. */
    private boolean deliver(Supplier<Uni<Void>> change, UUID session) {
        try {
            VertxContextSupport.subscribeAndAwait(change);
            return true;
        } catch (Throwable e) {
            try (LogFields ignored = LogFields.session(session)) {
                Log.warnf(
                        "Could not record a change of session %s (%s); the next resync replays it",
                        session, Redactor.describe(e));
            }
            return false;
        }
    }

    /**
     * The informers' cache keeps only what the handlers read (labels, annotations, status): a pod
     * or Job holds its whole pod spec besides, several times the size, and a replica may track
     * thousands. Handlers get full objects from the watch; the periodic resync and a deletion
     * noticed on a relist hand over reduced ones, which hold all {@link PodStatusReader} reads.
     */
    static <T extends HasMetadata> ReducedStateItemStore<T> reducedStore(
            Class<T> type, KubernetesSerialization serialization) {
        return new ReducedStateItemStore<>(
                ReducedStateItemStore.NAME_KEY_STATE,
                type,
                serialization,
                "metadata.labels",
                "metadata.annotations",
                "status");
    }

    private static void logStart(String kind, String namespace, Throwable e) {
        if (e != null) {
            Log.errorf("Watching session %s in namespace %s failed: %s", kind, namespace, Redactor.describe(e));
        } else {
            Log.infof("Watching session %s in namespace %s", kind, namespace);
        }
    }

    private static <T> ResourceEventHandler<T> handler(
            java.util.function.Consumer<T> changed, java.util.function.Consumer<T> deleted) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                changed.accept(obj);
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                changed.accept(newObj);
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                deleted.accept(obj);
            }
        };
    }
}
