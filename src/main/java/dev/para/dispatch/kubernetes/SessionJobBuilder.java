package dev.para.dispatch.kubernetes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.para.dispatch.Hashes;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicy;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyBuilder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Builds a session's Kubernetes objects: one Indexed Job (one pod per instance), its Secret
 * (token, prompt, agent credentials) and the steps' ConfigMap. Pure: no cluster, no clock.
 * Names are deterministic, so a launch retried after a crash finds what the first try created.
 *
 * <p>Over 300 lines: the whole pod contract (three containers, their users, mounts and limits) is
 * read in one place, as a security review reads it.
 */
public final class SessionJobBuilder {

    public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
    public static final String MANAGED_BY = "para-dispatch";
    public static final String SESSION_LABEL = "para-dispatch.dev/session";
    public static final String COMPONENT_LABEL = "app.kubernetes.io/component";
    /** Set by the Job controller on every pod of an Indexed Job. */
    public static final String COMPLETION_INDEX_ANNOTATION = "batch.kubernetes.io/job-completion-index";

    /**
     * On the pods of a Job that starts one instance first (see {@link #startsOneFirst}): how many
     * run in parallel once that one's agent has been let in.
     */
    public static final String GATED_PARALLELISM_ANNOTATION = "para-dispatch.dev/gated-parallelism";

    /** The agent's container, whose log is the session's. */
    public static final String CONTAINER = "agent";

    public static final String CLONE = "clone";
    /** The container whose termination message reports the instance. */
    public static final String PUBLISH = "publish";

    public static final String ENTRYPOINT_DIR = "/var/run/para/entrypoint";
    public static final String WORKSPACE = "/workspace";
    /** The token, mounted in clone and publish only. */
    public static final String GITHUB_DIR = "/var/run/para/github";
    /** The prompt and the agent's credential, mounted in the agent only. */
    public static final String AGENT_DIR = "/var/run/para/agent";
    /** Publish's git directory, config and credential helper, mounted in clone and publish only. */
    public static final String GIT_STATE_DIR = "/var/run/para/git";

    static final String AGENT_HOME = "/var/run/para/home";
    static final String TMP_DIR = "/tmp";
    public static final String TOKEN_KEY = "token";
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final String PROMPT_KEY = "prompt";

    private final KubernetesConfig config;

    public SessionJobBuilder(KubernetesConfig config) {
        if (config.pod().gitUser() == config.pod().runAsUser()) {
            throw new IllegalArgumentException("para.kubernetes.pod.git-user must not be the agent's user"
                    + " (para.kubernetes.pod.run-as-user): the agent would reach the token");
        }
        this.config = config;
    }

    /** The Job (and Secret) name of a session: fixed by its id. */
    public static String jobName(UUID sessionId) {
        return "para-" + sessionId;
    }

    /** The session id a Job or pod carries in its labels, if it is one of ours. */
    public static UUID sessionOf(Map<String, String> labels) {
        if (labels == null || !MANAGED_BY.equals(labels.get(MANAGED_BY_LABEL)) || labels.get(SESSION_LABEL) == null) {
            return null;
        }
        try {
            return UUID.fromString(labels.get(SESSION_LABEL));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * Whether the session starts one instance first and the others once its agent's login has been
     * accepted. So it does when the service could not check the login itself: an image with a
     * login baked in (no credential file for the preflight to show the model list) and more than
     * one instance. A refused login then costs one pod, not N.
     */
    public static boolean startsOneFirst(SessionLaunch launch) {
        return launch.instances() > 1 && launch.agentCredentials().isEmpty();
    }

    /** The name of the ConfigMap that carries this version of the entrypoint script. */
    public static String entrypointName(String script) {
        return "para-entrypoint-" + sha256(script).substring(0, 12);
    }

    public ConfigMap entrypoint(String script) {
        return new ConfigMapBuilder()
                .withNewMetadata()
                .withName(entrypointName(script))
                .withLabels(Map.of(MANAGED_BY_LABEL, MANAGED_BY, COMPONENT_LABEL, "session-entrypoint"))
                .endMetadata()
                .withImmutable(true)
                .withData(Map.of("entrypoint.sh", script))
                .build();
    }

    /**
     * The session's Job: per instance one pod of three steps, each its own container and user.
     * <ul>
     *   <li>{@value #CLONE} (init container, the git user): clones with the token and hands the
     *       work tree over on the shared workspace volume;
     *   <li>{@value #CONTAINER} (the agent user): runs the agent in the work tree, with its
     *       credential and prompt and nothing of GitHub's;
     *   <li>{@value #PUBLISH} (the git user, beside the agent): waits for it, commits what it left
     *       and pushes, with a git directory and token on volumes the agent never mounts.
     * </ul>
     * Its Secret is made right after it (it is owned by the Job, so it needs the Job's uid): the
     * Secret volumes are not optional, so the kubelet starts no container before the Secret
     * exists — a pod made in between waits in ContainerCreating, as for any volume.
     */
    public Job job(SessionLaunch launch, String entrypointConfigMap) {
        KubernetesConfig.Pod pod = config.pod();
        String name = jobName(launch.sessionId());
        Map<String, String> labels = labels(launch.sessionId());
        boolean gated = startsOneFirst(launch);
        return new JobBuilder()
                .withNewMetadata()
                .withName(name)
                .withLabels(labels)
                .withAnnotations(Map.of(
                        "para-dispatch.dev/repository", launch.repository(), "para-dispatch.dev/slug", launch.slug()))
                .endMetadata()
                .withNewSpec()
                .withCompletionMode("Indexed")
                .withCompletions(launch.instances())
                // One first, the rest once its login is let in: the tracker raises it (the pods'
                // readiness probe says when), and a refused login fails the Job at once.
                .withParallelism(gated ? 1 : launch.instances())
                .withPodFailurePolicy(gated ? failOnRefusedLogin() : null)
                // An agent run costs money and may have pushed: never retried blindly.
                .withBackoffLimitPerIndex(0)
                .withActiveDeadlineSeconds(launch.timeoutMinutes() * 60L)
                .withTtlSecondsAfterFinished(config.ttlSecondsAfterFinished())
                .withNewTemplate()
                .withNewMetadata()
                .withLabels(labels)
                .withAnnotations(
                        gated ? Map.of(GATED_PARALLELISM_ANNOTATION, String.valueOf(launch.instances())) : null)
                .endMetadata()
                .withNewSpec()
                .withRestartPolicy("Never")
                .withAutomountServiceAccountToken(false)
                .withEnableServiceLinks(false)
                .withTerminationGracePeriodSeconds(pod.terminationGracePeriodSeconds())
                .withRuntimeClassName(pod.runtimeClassName().orElse(null))
                .withNodeSelector(pod.nodeSelector().isEmpty() ? null : new LinkedHashMap<>(pod.nodeSelector()))
                .withTolerations(tolerations(pod.tolerations()))
                .withImagePullSecrets(imagePullSecrets(launch))
                .withNewSecurityContext()
                .withRunAsNonRoot(true)
                .withRunAsUser(pod.runAsUser())
                .withRunAsGroup(pod.fsGroup())
                .withFsGroup(pod.fsGroup())
                .withNewSeccompProfile()
                .withType("RuntimeDefault")
                .endSeccompProfile()
                .endSecurityContext()
                .withInitContainers(gitStep(CLONE, launch, gitResources()))
                .withContainers(agentStep(launch, gated), gitStep(PUBLISH, launch, gitResources()))
                .withVolumes(volumes(launch, entrypointConfigMap))
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }

    /** Clone or publish: the git user, the token and the git state, never the agent's files. */
    private Container gitStep(String step, SessionLaunch launch, ResourceRequirements resources) {
        KubernetesConfig.Pod pod = config.pod();
        List<EnvVar> env = commonEnv(launch);
        add(env, "PARA_TOKEN_FILE", GITHUB_DIR + "/" + TOKEN_KEY);
        add(env, "PARA_GIT_STATE", GIT_STATE_DIR);
        add(env, "HOME", GIT_STATE_DIR);
        add(env, "TMPDIR", TMP_DIR);
        return new ContainerBuilder()
                .withName(step)
                .withImage(pod.gitImage().orElse(launch.image()))
                .withImagePullPolicy(pod.imagePullPolicy())
                .withCommand("/bin/sh", ENTRYPOINT_DIR + "/entrypoint.sh", step)
                .withEnv(env)
                .withWorkingDir(WORKSPACE)
                .withTerminationMessagePath("/dev/termination-log")
                .withTerminationMessagePolicy("File")
                .withResources(resources)
                .withSecurityContext(restricted(pod.gitUser(), pod.fsGroup()))
                .withVolumeMounts(
                        mount("workspace", WORKSPACE, false),
                        mount("git-state", GIT_STATE_DIR, false),
                        mount("git-tmp", TMP_DIR, false),
                        // No subPath: a subPath mount never sees the refreshed token.
                        mount("github", GITHUB_DIR, true),
                        mount("entrypoint", ENTRYPOINT_DIR, true))
                .build();
    }

    /** The agent: its own user, its prompt and credential, the work tree; no GitHub credential. */
    private Container agentStep(SessionLaunch launch, boolean gated) {
        KubernetesConfig.Pod pod = config.pod();
        List<EnvVar> env = commonEnv(launch);
        add(
                env,
                "PARA_AGENT_COMMAND",
                launch.agent().command() != null ? launch.agent().command() : pod.agentCommand());
        add(env, "PARA_AGENT_AUTH_CHECK", pod.agentAuthCheck());
        if (launch.maxTurns() != null) {
            add(env, "PARA_MAX_TURNS", String.valueOf(launch.maxTurns()));
        }
        if (launch.model() != null) {
            add(env, "PARA_MODEL", launch.model());
        }
        if (launch.budgetUsd() != null) {
            add(env, "PARA_BUDGET_USD", launch.budgetUsd().stripTrailingZeros().toPlainString());
            add(env, "PARA_AGENT_BUDGET_FLAG", pod.agentBudgetFlag().orElse(""));
        }
        add(env, "PARA_AGENT_DEADLINE", String.valueOf(agentDeadline(launch).getEpochSecond()));
        add(env, "PARA_SESSION_DIR", AGENT_DIR);
        add(env, "PARA_AGENT_HOME", AGENT_HOME);
        add(env, "TMPDIR", TMP_DIR);
        return new ContainerBuilder()
                .withName(CONTAINER)
                .withImage(launch.image())
                .withImagePullPolicy(pod.imagePullPolicy())
                .withCommand("/bin/sh", ENTRYPOINT_DIR + "/entrypoint.sh", CONTAINER)
                .withEnv(env)
                .withWorkingDir(WORKSPACE)
                .withResources(resources(launch.agent(), pod))
                .withReadinessProbe(gated ? loginAccepted() : null)
                .withSecurityContext(restricted(pod.runAsUser(), pod.fsGroup()))
                .withVolumeMounts(
                        mount("workspace", WORKSPACE, false),
                        mount("agent-home", AGENT_HOME, false),
                        mount("agent-tmp", TMP_DIR, false),
                        mount("agent", AGENT_DIR, true),
                        mount("entrypoint", ENTRYPOINT_DIR, true))
                .build();
    }

    /** Ready once the agent's first real turn shows its login was accepted (the entrypoint's {@code ready}). */
    private static Probe loginAccepted() {
        return new ProbeBuilder()
                .withNewExec()
                .withCommand("/bin/sh", ENTRYPOINT_DIR + "/entrypoint.sh", "ready")
                .endExec()
                .withPeriodSeconds(2)
                .withTimeoutSeconds(2)
                .withFailureThreshold(1)
                .build();
    }

    /**
     * Publish exits {@value PodStatusReader#EXIT_AGENT_AUTH} when the agent was not let in: the Job
     * fails there and then, before the controller starts the next instance on the same login.
     */
    private static PodFailurePolicy failOnRefusedLogin() {
        return new PodFailurePolicyBuilder()
                .addNewRule()
                .withAction("FailJob")
                .withNewOnExitCodes()
                .withContainerName(PUBLISH)
                .withOperator("In")
                .withValues(PodStatusReader.EXIT_AGENT_AUTH)
                .endOnExitCodes()
                .endRule()
                .build();
    }

    /**
     * When the agent must have stopped: the session's timeout from the launch, less the time kept
     * for publish (but the agent gets at least a tenth of the timeout).
     */
    Instant agentDeadline(SessionLaunch launch) {
        Duration timeout = Duration.ofMinutes(launch.timeoutMinutes());
        Duration agentTime = timeout.minus(config.pod().publishTime());
        Duration floor = timeout.dividedBy(10);
        return launch.startsAt().plus(agentTime.compareTo(floor) < 0 ? floor : agentTime);
    }

    /** The restricted Pod Security Standard for one container, and a read-only root. */
    private static SecurityContext restricted(long user, long group) {
        return new SecurityContextBuilder()
                .withRunAsNonRoot(true)
                .withRunAsUser(user)
                .withRunAsGroup(group)
                .withReadOnlyRootFilesystem(true)
                .withAllowPrivilegeEscalation(false)
                .withPrivileged(false)
                .withNewCapabilities()
                .withDrop("ALL")
                .endCapabilities()
                .withNewSeccompProfile()
                .withType("RuntimeDefault")
                .endSeccompProfile()
                .build();
    }

    private static VolumeMount mount(String volume, String path, boolean readOnly) {
        return new VolumeMountBuilder()
                .withName(volume)
                .withMountPath(path)
                .withReadOnly(readOnly ? true : null)
                .build();
    }

    /**
     * The pod's volumes. One Secret, projected twice: the token alone for clone and publish, the
     * prompt and agent credentials for the agent.
     */
    private List<Volume> volumes(SessionLaunch launch, String entrypointConfigMap) {
        String secret = jobName(launch.sessionId());
        List<KeyToPath> agentFiles = new ArrayList<>();
        agentFiles.add(new KeyToPath(PROMPT_KEY, null, PROMPT_KEY));
        launch.agentCredentials().keySet().stream()
                .sorted()
                .forEach(key -> agentFiles.add(new KeyToPath(key, null, key)));
        return List.of(
                new VolumeBuilder()
                        .withName("workspace")
                        .withNewEmptyDir()
                        .withSizeLimit(new Quantity(config.pod().workspaceSizeLimit()))
                        .endEmptyDir()
                        .build(),
                // Publish writes the agent's new objects here: as large as the workspace may be.
                new VolumeBuilder()
                        .withName("git-state")
                        .withNewEmptyDir()
                        .withSizeLimit(new Quantity(config.pod().workspaceSizeLimit()))
                        .endEmptyDir()
                        .build(),
                emptyDir("git-tmp", "1Gi"),
                emptyDir("agent-home", "2Gi"),
                emptyDir("agent-tmp", "2Gi"),
                new VolumeBuilder()
                        .withName("github")
                        .withNewSecret()
                        .withSecretName(secret)
                        .withItems(new KeyToPath(TOKEN_KEY, null, TOKEN_KEY))
                        .withDefaultMode(0440)
                        .endSecret()
                        .build(),
                new VolumeBuilder()
                        .withName("agent")
                        .withNewSecret()
                        .withSecretName(secret)
                        .withItems(agentFiles)
                        .withDefaultMode(0440)
                        .endSecret()
                        .build(),
                new VolumeBuilder()
                        .withName("entrypoint")
                        .withNewConfigMap()
                        .withName(entrypointConfigMap)
                        .withDefaultMode(0555)
                        .endConfigMap()
                        .build());
    }

    private static Volume emptyDir(String name, String sizeLimit) {
        return new VolumeBuilder()
                .withName(name)
                .withNewEmptyDir()
                .withSizeLimit(new Quantity(sizeLimit))
                .endEmptyDir()
                .build();
    }

    /** Clone and publish run git, not the agent: small, fixed needs. */
    private static ResourceRequirements gitResources() {
        return new ResourceRequirementsBuilder()
                .withRequests(Map.of("cpu", new Quantity("100m"), "memory", new Quantity("128Mi")))
                .withLimits(Map.of("cpu", new Quantity("1"), "memory", new Quantity("1Gi")))
                .build();
    }

    /** The session's files, owned by its Job so that Kubernetes deletes them together. */
    public Secret secret(SessionLaunch launch, String token, Job owner) {
        Map<String, String> data = new LinkedHashMap<>();
        data.put(TOKEN_KEY, token);
        data.put(PROMPT_KEY, launch.prompt());
        data.putAll(launch.agentCredentials());
        return new SecretBuilder()
                .withNewMetadata()
                .withName(jobName(launch.sessionId()))
                .withLabels(labels(launch.sessionId()))
                .withOwnerReferences(ownedBy(owner))
                .endMetadata()
                .withType("Opaque")
                .withData(base64(data))
                .build();
    }

    /** The name of the session's pull Secret. */
    public static String pullSecretName(UUID sessionId) {
        return jobName(sessionId) + "-pull";
    }

    /**
     * The session's image pull Secret ({@code kubernetes.io/dockerconfigjson}). The kubelet reads it
     * once, when it pulls, so it is made before the Job, and owned by the Job once that exists
     * ({@link #ownerReferencePatch}), so the login lives exactly as long as the pods that need it.
     */
    public Secret pullSecret(SessionLaunch launch) {
        PullSecret login = launch.pullSecret();
        String auth = Base64.getEncoder()
                .encodeToString((login.username() + ":" + login.password()).getBytes(StandardCharsets.UTF_8));
        String dockerConfig;
        try {
            dockerConfig = JSON.writeValueAsString(Map.of(
                    "auths",
                    Map.of(
                            login.registry(),
                            Map.of("username", login.username(), "password", login.password(), "auth", auth))));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("The pull secret cannot be written", e);
        }
        return new SecretBuilder()
                .withNewMetadata()
                .withName(pullSecretName(launch.sessionId()))
                .withLabels(labels(launch.sessionId()))
                .endMetadata()
                .withType("kubernetes.io/dockerconfigjson")
                .withData(base64(Map.of(".dockerconfigjson", dockerConfig)))
                .build();
    }

    /** The configured cluster-wide pull secrets, and the session's own when its image needs a login. */
    private List<LocalObjectReference> imagePullSecrets(SessionLaunch launch) {
        List<LocalObjectReference> secrets = new ArrayList<>(config.pod().imagePullSecrets().orElse(List.of()).stream()
                .map(LocalObjectReference::new)
                .toList());
        if (launch.pullSecret() != null) {
            secrets.add(new LocalObjectReference(pullSecretName(launch.sessionId())));
        }
        return secrets;
    }

    /** A JSON merge patch that makes an object owned by the Job. */
    public static String ownerReferencePatch(Job owner) {
        try {
            return JSON.writeValueAsString(Map.of("metadata", Map.of("ownerReferences", List.of(ownedBy(owner)))));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("The owner reference cannot be written", e);
        }
    }

    private static OwnerReference ownedBy(Job owner) {
        return new OwnerReferenceBuilder()
                .withApiVersion("batch/v1")
                .withKind("Job")
                .withName(owner.getMetadata().getName())
                .withUid(owner.getMetadata().getUid())
                .withBlockOwnerDeletion(false)
                .withController(false)
                .build();
    }

    /** The Secret's data entry carrying a new token, for an in-place update. */
    public static Map<String, String> tokenData(String token) {
        return base64(Map.of(TOKEN_KEY, token));
    }

    /**
     * The agent container's resources: the agent image's where it gives them, the configured ones
     * otherwise, none beyond the configured ceilings, and no request above its limit.
     */
    static ResourceRequirements resources(AgentSettings agent, KubernetesConfig.Pod pod) {
        Quantity cpuLimit = AgentSettings.within(agent.cpuLimit(), pod.cpuLimit(), pod.maxCpu());
        Quantity memoryLimit = AgentSettings.within(agent.memoryLimit(), pod.memoryLimit(), pod.maxMemory());
        Quantity cpuRequest = AgentSettings.within(agent.cpuRequest(), pod.cpuRequest(), cpuLimit.toString());
        Quantity memoryRequest =
                AgentSettings.within(agent.memoryRequest(), pod.memoryRequest(), memoryLimit.toString());
        return new ResourceRequirementsBuilder()
                .withRequests(Map.of("cpu", cpuRequest, "memory", memoryRequest))
                .withLimits(Map.of("cpu", cpuLimit, "memory", memoryLimit))
                .build();
    }

    /** What every step knows: the session, the repository and branches, the workspace. */
    private List<EnvVar> commonEnv(SessionLaunch launch) {
        List<EnvVar> env = new ArrayList<>();
        add(env, "PARA_SESSION_ID", launch.sessionId().toString());
        add(env, "PARA_SESSION_SLUG", launch.slug());
        add(env, "PARA_REPOSITORY", launch.repository());
        add(env, "PARA_CLONE_URL", launch.cloneUrl());
        add(env, "PARA_SOURCE_BRANCH", launch.sourceBranch());
        add(env, "PARA_BRANCH_BASE", launch.branchBase());
        add(env, "PARA_INSTANCES", String.valueOf(launch.instances()));
        add(env, "PARA_GIT_NAME", launch.gitName());
        add(env, "PARA_GIT_EMAIL", launch.gitEmail());
        add(env, "PARA_WORKSPACE", WORKSPACE);
        return env;
    }

    private static void add(List<EnvVar> env, String name, String value) {
        env.add(new EnvVarBuilder().withName(name).withValue(value).build());
    }

    private static Map<String, String> labels(UUID sessionId) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(MANAGED_BY_LABEL, MANAGED_BY);
        labels.put(COMPONENT_LABEL, "session");
        labels.put(SESSION_LABEL, sessionId.toString());
        return labels;
    }

    private static List<Toleration> tolerations(List<KubernetesConfig.Toleration> configured) {
        return configured.stream()
                .map(t -> new TolerationBuilder()
                        .withKey(t.key())
                        .withOperator(t.operator())
                        .withValue(t.value().orElse(null))
                        .withEffect(t.effect())
                        .build())
                .toList();
    }

    private static Map<String, String> base64(Map<String, String> plain) {
        Map<String, String> encoded = new LinkedHashMap<>();
        plain.forEach((k, v) -> encoded.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
        return encoded;
    }

    private static String sha256(String text) {
        return Hashes.sha256Hex(text);
    }
}
