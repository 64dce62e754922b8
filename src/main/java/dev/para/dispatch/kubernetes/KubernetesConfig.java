package dev.para.dispatch.kubernetes;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The session runtime on Kubernetes: where session Jobs go and what their pods look like. */
@ConfigMapping(prefix = "para.kubernetes")
public interface KubernetesConfig {

    /** The namespace of session Jobs; absent means the client's namespace (the service's own). */
    Optional<String> namespace();

    /** Pod settings of every session. */
    Pod pod();

    /**
     * How the service reaches the Kubernetes API, read at start (Quarkus' own
     * {@code quarkus.kubernetes-client.*} keys are fixed when the application is built). Absent
     * values keep what the client finds itself: in a pod, its service account and namespace;
     * elsewhere {@code KUBECONFIG} or {@code ~/.kube/config}, and fabric8's {@code KUBERNETES_MASTER},
     * {@code KUBERNETES_NAMESPACE}, {@code KUBERNETES_TRUST_CERTIFICATES} variables.
     */
    Client client();

    /** Seconds a finished Job (and its Secret and pods) is kept before Kubernetes deletes it. */
    @WithDefault("3600")
    int ttlSecondsAfterFinished();

    interface Pod {
        /** The user the agent container runs as (never root). */
        @WithDefault("1000")
        long runAsUser();

        /**
         * The user the clone and publish steps run as: they hold the GitHub token, so never the
         * agent's user.
         */
        @WithDefault("1001")
        long gitUser();

        /**
         * The image of the clone and publish steps (sh and git); absent means the session's agent
         * image, which has both.
         */
        Optional<String> gitImage();

        /**
         * Time kept for the publish step at the end of a session's timeout: the agent's own limit
         * ends it this long before the Job's deadline, so its work is still pushed.
         */
        @WithDefault("3m")
        Duration publishTime();

        /**
         * Seconds a stopped pod (a cancel, the Job's deadline) has to push what the agent left
         * before Kubernetes kills it.
         */
        @WithDefault("90")
        long terminationGracePeriodSeconds();

        /** The group of the mounted session files. */
        @WithDefault("1000")
        long fsGroup();

        /** Size limit of the workspace emptyDir the repository is cloned into. */
        @WithDefault("10Gi")
        String workspaceSizeLimit();

        @WithDefault("500m")
        String cpuRequest();

        @WithDefault("1Gi")
        String memoryRequest();

        @WithDefault("2")
        String cpuLimit();

        @WithDefault("4Gi")
        String memoryLimit();

        /** The most CPU an agent image may ask for its container (request or limit). */
        @WithDefault("8")
        String maxCpu();

        /** The most memory an agent image may ask for its container (request or limit). */
        @WithDefault("16Gi")
        String maxMemory();

        @WithDefault("IfNotPresent")
        String imagePullPolicy();

        /** A RuntimeClass for stronger isolation (gVisor, Kata), when the cluster has one. */
        Optional<String> runtimeClassName();

        /** Labels a node must have to run session pods. */
        Map<String, String> nodeSelector();

        /** Tolerations of session pods, for example of a tainted node pool for agents. */
        List<Toleration> tolerations();

        /** Names of existing pull secrets in the sessions namespace for the agent images. */
        Optional<List<String>> imagePullSecrets();

        /** The agent command the entrypoint runs, unless the session's agent image names its own. */
        @WithDefault("claude")
        String agentCommand();

        /**
         * How the entrypoint checks that the agent is authenticated before running it: {@code claude}
         * (an API key or OAuth token file, or a login baked into the image), or {@code none}.
         */
        @WithDefault("claude")
        String agentAuthCheck();

        /**
         * The agent's own flag for a spending limit, given the session's per-instance budget
         * (Claude Code's {@code --max-budget-usd}); unset for an agent without one. The entrypoint
         * watches the cost the agent reports either way.
         */
        Optional<String> agentBudgetFlag();
    }

    interface Client {
        /** The API server, for example {@code https://kubernetes.default.svc} or {@code https://10.0.0.1:6443}. */
        Optional<String> apiServerUrl();

        /** The service's own namespace (the default namespace of session Jobs too). */
        Optional<String> namespace();

        /** Accept any server certificate: for test clusters only. */
        Optional<Boolean> trustCertificates();

        /** A PEM file of the CA that signed the API server's certificate. */
        Optional<String> caCertFile();
    }

    interface Toleration {
        String key();

        @WithDefault("Equal")
        String operator();

        Optional<String> value();

        @WithDefault("NoSchedule")
        String effect();
    }
}
