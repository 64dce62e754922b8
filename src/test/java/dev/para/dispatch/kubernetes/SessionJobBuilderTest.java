package dev.para.dispatch.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class SessionJobBuilderTest {

    static final UUID SESSION = UUID.fromString("7c9e6679-7425-40de-944b-e07fc1f90ae7");
    static final String TOKEN = "ghs_16C7e42F292c6912E7710c838347Ae178B4a";
    static final java.time.Instant STARTS_AT = java.time.Instant.parse("2026-11-23T10:15:00Z");

    static KubernetesConfig config(Map<String, String> values) {
        return new SmallRyeConfigBuilder()
                .withMapping(KubernetesConfig.class)
                .withConverter(java.time.Duration.class, 100, new io.quarkus.runtime.configuration.DurationConverter())
                .withDefaultValues(values)
                .build()
                .getConfigMapping(KubernetesConfig.class);
    }

    static SessionLaunch launch(int instances, Integer maxTurns) {
        return launch(instances, maxTurns, 45, Map.of(), null, AgentSettings.DEFAULTS);
    }

    static SessionLaunch launch(AgentSettings agent) {
        return launch(1, null, 45, Map.of(), null, agent);
    }

    static SessionLaunch launch(
            int instances,
            Integer maxTurns,
            int timeoutMinutes,
            Map<String, String> credentials,
            PullSecret pull,
            AgentSettings agent) {
        return launch(instances, maxTurns, null, timeoutMinutes, credentials, pull, agent);
    }

    static SessionLaunch launch(
            int instances,
            Integer maxTurns,
            java.math.BigDecimal budget,
            int timeoutMinutes,
            Map<String, String> credentials,
            PullSecret pull,
            AgentSettings agent) {
        return new SessionLaunch(
                SESSION,
                "readme_20261123-101500",
                "acme/app",
                "https://github.com/acme/app.git",
                "main",
                "para/readme_20261123-101500",
                instances,
                "ghcr.io/acme/agent:1.2",
                timeoutMinutes,
                maxTurns,
                null,
                budget,
                "para-dispatch",
                "bot@example.com",
                "Fix the README",
                credentials,
                pull,
                agent,
                STARTS_AT);
    }

    static Job job(Map<String, String> values, SessionLaunch launch) {
        return new SessionJobBuilder(config(values)).job(launch, "para-entrypoint-abc");
    }

    static List<Object[]> instances() {
        return List.of(new Object[] {1}, new Object[] {3}, new Object[] {10});
    }

    @ParameterizedTest
    @MethodSource("instances")
    void oneIndexedJobRunsEveryInstanceAtOnceAndRetriesNone(int n) {
        Job job = job(
                Map.of(), launch(n, null, 45, Map.of("anthropic-api-key", "sk-ant-x"), null, AgentSettings.DEFAULTS));
        assertEquals("para-" + SESSION, job.getMetadata().getName());
        assertEquals("Indexed", job.getSpec().getCompletionMode());
        assertEquals(n, job.getSpec().getCompletions());
        assertEquals(n, job.getSpec().getParallelism());
        assertEquals(0, job.getSpec().getBackoffLimitPerIndex());
        assertEquals(45 * 60L, job.getSpec().getActiveDeadlineSeconds());
        assertEquals(3600, job.getSpec().getTtlSecondsAfterFinished());
        assertNotEquals(
                Boolean.TRUE, job.getSpec().getSuspend(), "runs as it is made: the Secret volume holds the pod back");
        assertEquals("Never", job.getSpec().getTemplate().getSpec().getRestartPolicy());
        Map<String, String> labels = job.getSpec().getTemplate().getMetadata().getLabels();
        assertEquals("para-dispatch", labels.get("app.kubernetes.io/managed-by"));
        assertEquals(SESSION.toString(), labels.get(SessionJobBuilder.SESSION_LABEL));
        assertEquals(SESSION, SessionJobBuilder.sessionOf(labels));
    }

    @Test
    void withALoginTheServiceCannotCheckOneInstanceStartsFirst() {
        Job job = job(Map.of(), launch(3, null));
        assertEquals(3, job.getSpec().getCompletions());
        assertEquals(1, job.getSpec().getParallelism(), "the others wait for the first agent to be let in");
        assertEquals(
                "3",
                job.getSpec()
                        .getTemplate()
                        .getMetadata()
                        .getAnnotations()
                        .get(SessionJobBuilder.GATED_PARALLELISM_ANNOTATION));
        var rule = job.getSpec().getPodFailurePolicy().getRules().get(0);
        assertEquals("FailJob", rule.getAction());
        assertEquals(SessionJobBuilder.PUBLISH, rule.getOnExitCodes().getContainerName());
        assertEquals("In", rule.getOnExitCodes().getOperator());
        assertEquals(
                List.of(PodStatusReader.EXIT_AGENT_AUTH), rule.getOnExitCodes().getValues());
        Container agent = job.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertEquals(
                List.of("/bin/sh", SessionJobBuilder.ENTRYPOINT_DIR + "/entrypoint.sh", "ready"),
                agent.getReadinessProbe().getExec().getCommand());
    }

    static List<Object[]> launchesThatStartAllAtOnce() {
        return List.of(
                new Object[] {"one instance", launch(1, null)},
                new Object[] {
                    "an API key the preflight checked",
                    launch(3, null, 45, Map.of("anthropic-api-key", "sk-ant-x"), null, AgentSettings.DEFAULTS)
                },
                new Object[] {
                    "an OAuth token the preflight checked",
                    launch(3, null, 45, Map.of("claude-oauth-token", "t"), null, AgentSettings.DEFAULTS)
                });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("launchesThatStartAllAtOnce")
    void otherwiseAllStartAtOnceWithNoGate(String name, SessionLaunch launch) {
        Job job = job(Map.of(), launch);
        assertEquals(launch.instances(), job.getSpec().getParallelism());
        assertNull(job.getSpec().getPodFailurePolicy());
        assertNull(job.getSpec().getTemplate().getMetadata().getAnnotations());
        assertNull(job.getSpec().getTemplate().getSpec().getContainers().get(0).getReadinessProbe());
    }

    @Test
    void podsAreLockedDown() {
        PodSpec pod = job(Map.of(), launch(1, null)).getSpec().getTemplate().getSpec();
        assertFalse(pod.getAutomountServiceAccountToken());
        assertTrue(pod.getSecurityContext().getRunAsNonRoot());
        assertEquals(1000L, pod.getSecurityContext().getRunAsUser());
        assertEquals(
                "RuntimeDefault", pod.getSecurityContext().getSeccompProfile().getType());
        Container agent = pod.getContainers().get(0);
        assertFalse(agent.getSecurityContext().getAllowPrivilegeEscalation());
        assertEquals(
                List.of("ALL"), agent.getSecurityContext().getCapabilities().getDrop());
        assertEquals(
                "10Gi", pod.getVolumes().get(0).getEmptyDir().getSizeLimit().toString());
        assertEquals("1Gi", agent.getResources().getRequests().get("memory").toString());
        assertEquals("4Gi", agent.getResources().getLimits().get("memory").toString());
        assertNull(pod.getRuntimeClassName());
        assertTrue(pod.getTolerations().isEmpty());
        // The Secret is mounted as a directory: a subPath mount would never see a refreshed token.
        agent.getVolumeMounts().forEach(m -> assertNull(m.getSubPath(), m.getName()));
    }

    /**
     * The agent's container mounts no volume with the token, no Secret key but its prompt and
     * credential, has no env naming a credential, and runs as a user other than clone and publish.
     */
    @Test
    void theAgentHoldsNoGitHubCredential() {
        SessionLaunch launch =
                launch(1, null, 45, Map.of("anthropic-api-key", "sk-ant-api03-k"), null, AgentSettings.DEFAULTS);
        PodSpec pod = job(Map.of(), launch).getSpec().getTemplate().getSpec();
        assertEquals(
                List.of("clone"),
                pod.getInitContainers().stream().map(Container::getName).toList());
        assertEquals(
                List.of("agent", "publish"),
                pod.getContainers().stream().map(Container::getName).toList());
        Container clone = pod.getInitContainers().get(0);
        Container agent = pod.getContainers().get(0);
        Container publish = pod.getContainers().get(1);

        Map<String, io.fabric8.kubernetes.api.model.Volume> volumes = new java.util.HashMap<>();
        pod.getVolumes().forEach(v -> volumes.put(v.getName(), v));
        java.util.Set<String> agentKeys = new java.util.HashSet<>();
        for (var mount : agent.getVolumeMounts()) {
            var volume = volumes.get(mount.getName());
            if (volume.getSecret() != null) {
                assertFalse(volume.getSecret().getItems().isEmpty(), "a whole Secret is mounted in the agent");
                volume.getSecret().getItems().forEach(item -> agentKeys.add(item.getKey()));
            }
            assertNull(volume.getProjected(), "a projected volume in the agent");
            assertFalse(mount.getMountPath().startsWith(SessionJobBuilder.GITHUB_DIR));
            assertFalse(mount.getMountPath().startsWith(SessionJobBuilder.GIT_STATE_DIR));
        }
        assertEquals(java.util.Set.of("prompt", "anthropic-api-key"), agentKeys);
        for (var env : agent.getEnv()) {
            assertNull(env.getValueFrom(), env.getName() + " comes from a Secret");
            assertFalse(env.getName().contains("TOKEN"), env.getName());
            assertFalse(env.getValue().contains(SessionJobBuilder.GITHUB_DIR), env.getName());
        }
        assertTrue(agent.getEnvFrom() == null || agent.getEnvFrom().isEmpty());
        assertFalse(String.join(" ", agent.getCommand()).contains("token"));

        // The token: only clone and publish mount it, as a directory (refreshed in place).
        for (Container git : List.of(clone, publish)) {
            var github = git.getVolumeMounts().stream()
                    .filter(m -> m.getMountPath().equals(SessionJobBuilder.GITHUB_DIR))
                    .findFirst()
                    .orElseThrow();
            assertNull(github.getSubPath());
            assertEquals(
                    List.of("token"),
                    volumes.get(github.getName()).getSecret().getItems().stream()
                            .map(i -> i.getKey())
                            .toList());
        }

        long agentUser = agent.getSecurityContext().getRunAsUser();
        assertEquals(1000L, agentUser);
        assertEquals(1001L, clone.getSecurityContext().getRunAsUser());
        assertEquals(1001L, publish.getSecurityContext().getRunAsUser());
        for (Container c : List.of(clone, agent, publish)) {
            assertTrue(c.getSecurityContext().getReadOnlyRootFilesystem(), c.getName());
            assertFalse(c.getSecurityContext().getAllowPrivilegeEscalation(), c.getName());
            assertEquals(
                    List.of("ALL"), c.getSecurityContext().getCapabilities().getDrop());
            assertEquals(
                    "RuntimeDefault", c.getSecurityContext().getSeccompProfile().getType());
        }
        assertEquals(90L, pod.getTerminationGracePeriodSeconds());
    }

    @Test
    void theAgentsUserCannotBeTheGitUser() {
        var config = config(Map.of("para.kubernetes.pod.git-user", "1000"));
        var e = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> new SessionJobBuilder(config));
        assertTrue(e.getMessage().contains("git-user"));
    }

    /** The agent's own limit: the timeout less the time kept for publish, from the launch. */
    @ParameterizedTest(name = "timeout {0} min, publish-time {1}: the agent stops after {2} s")
    @CsvSource({"45, 3m, 2520", "60, 5m, 3300", "4, 3m, 60", "1, 10s, 50", "1, 58s, 6"})
    void theAgentStopsBeforeTheJobsDeadline(int timeoutMinutes, String publishTime, long agentSeconds) {
        SessionLaunch launch = launch(1, null, timeoutMinutes, Map.of(), null, AgentSettings.DEFAULTS);
        Container agent = job(Map.of("para.kubernetes.pod.publish-time", publishTime), launch)
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0);
        String deadline = agent.getEnv().stream()
                .filter(e -> e.getName().equals("PARA_AGENT_DEADLINE"))
                .findFirst()
                .orElseThrow()
                .getValue();
        assertEquals(STARTS_AT.getEpochSecond() + agentSeconds, Long.parseLong(deadline));
    }

    @Test
    void placementAndIsolationComeFromConfiguration() {
        PodSpec pod = job(
                        Map.of(
                                "para.kubernetes.pod.runtime-class-name", "gvisor",
                                "para.kubernetes.pod.node-selector.pool", "agents",
                                "para.kubernetes.pod.tolerations[0].key", "agents",
                                "para.kubernetes.pod.tolerations[0].value", "true",
                                "para.kubernetes.pod.image-pull-secrets", "regcred,ghcr",
                                "para.kubernetes.pod.memory-limit", "8Gi",
                                "para.kubernetes.ttl-seconds-after-finished", "600"),
                        launch(2, 30))
                .getSpec()
                .getTemplate()
                .getSpec();
        assertEquals("gvisor", pod.getRuntimeClassName());
        assertEquals(Map.of("pool", "agents"), pod.getNodeSelector());
        assertEquals("agents", pod.getTolerations().get(0).getKey());
        assertEquals("NoSchedule", pod.getTolerations().get(0).getEffect());
        assertEquals(
                List.of("regcred", "ghcr"),
                pod.getImagePullSecrets().stream().map(r -> r.getName()).toList());
        assertEquals(
                "8Gi",
                pod.getContainers()
                        .get(0)
                        .getResources()
                        .getLimits()
                        .get("memory")
                        .toString());
    }

    @Test
    void theEnvironmentCarriesThePodContractAndNoSecret() {
        Job job = job(Map.of(), launch(3, 25));
        Map<String, String> env = new java.util.HashMap<>();
        job.getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getEnv()
                .forEach(e -> env.put(e.getName(), e.getValue()));
        assertEquals(SESSION.toString(), env.get("PARA_SESSION_ID"));
        assertEquals("https://github.com/acme/app.git", env.get("PARA_CLONE_URL"));
        assertEquals("main", env.get("PARA_SOURCE_BRANCH"));
        assertEquals("para/readme_20261123-101500", env.get("PARA_BRANCH_BASE"));
        assertEquals("3", env.get("PARA_INSTANCES"));
        assertEquals("25", env.get("PARA_MAX_TURNS"));
        assertEquals("claude", env.get("PARA_AGENT_COMMAND"));
        assertFalse(Serialization.asYaml(job).contains("Fix the README"), "the prompt belongs in the Secret");
    }

    /** The per-instance budget reaches the agent step, with the agent's own flag for it, and nothing else. */
    @Test
    void theBudgetAndTheAgentsBudgetFlagReachTheAgentStepOnly() {
        Job job = job(
                Map.of("para.kubernetes.pod.agent-budget-flag", "--max-budget-usd"),
                launch(2, null, new java.math.BigDecimal("2.5000"), 30, Map.of(), null, AgentSettings.DEFAULTS));
        var pod = job.getSpec().getTemplate().getSpec();
        Map<String, String> agent = new java.util.HashMap<>();
        pod.getContainers().stream()
                .filter(c -> c.getName().equals("agent"))
                .findFirst()
                .orElseThrow()
                .getEnv()
                .forEach(e -> agent.put(e.getName(), e.getValue()));
        assertEquals("2.5", agent.get("PARA_BUDGET_USD"));
        assertEquals("--max-budget-usd", agent.get("PARA_AGENT_BUDGET_FLAG"));
        pod.getInitContainers()
                .forEach(c -> assertTrue(
                        c.getEnv().stream().noneMatch(e -> e.getName().startsWith("PARA_BUDGET")), c.getName()));
        Job without = job(Map.of(), launch(2, null));
        assertFalse(Serialization.asYaml(without).contains("PARA_BUDGET_USD"), "no budget, no variable");
    }

    @Test
    void theSecretHoldsTokenAndPromptAndIsOwnedByTheJob() {
        SessionJobBuilder builder = new SessionJobBuilder(config(Map.of()));
        Job job = builder.job(launch(1, null), "x");
        job.getMetadata().setUid("uid-1");
        var secret = builder.secret(launch(1, null), TOKEN, job);
        assertEquals("para-" + SESSION, secret.getMetadata().getName());
        assertEquals("uid-1", secret.getMetadata().getOwnerReferences().get(0).getUid());
        assertEquals("Job", secret.getMetadata().getOwnerReferences().get(0).getKind());
        assertEquals(
                TOKEN,
                new String(java.util.Base64.getDecoder().decode(secret.getData().get("token"))));
        assertEquals(
                "Fix the README",
                new String(java.util.Base64.getDecoder().decode(secret.getData().get("prompt"))));
    }

    @Test
    void aPrivateImageGetsAPullSecretOfItsOwnOwnedByTheJob() throws Exception {
        SessionLaunch launch = launch(
                1,
                null,
                45,
                Map.of(),
                new PullSecret("ghcr.io", "x-access-token", "ghs_pullToken\"quoted"),
                AgentSettings.DEFAULTS);
        Job job = job(Map.of("para.kubernetes.pod.image-pull-secrets", "cluster-wide"), launch);
        job.getMetadata().setUid("uid-1");
        assertEquals(
                List.of("cluster-wide", SessionJobBuilder.pullSecretName(SESSION)),
                job.getSpec().getTemplate().getSpec().getImagePullSecrets().stream()
                        .map(r -> r.getName())
                        .toList());
        var secret = new SessionJobBuilder(config(Map.of())).pullSecret(launch);
        assertEquals("kubernetes.io/dockerconfigjson", secret.getType());
        assertTrue(secret.getMetadata().getOwnerReferences().isEmpty(), "made before the Job, owned by it afterwards");
        var owner = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(SessionJobBuilder.ownerReferencePatch(job))
                .at("/metadata/ownerReferences/0");
        assertEquals("uid-1", owner.path("uid").asText());
        assertEquals("Job", owner.path("kind").asText());
        assertEquals("batch/v1", owner.path("apiVersion").asText());
        var config = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(java.util.Base64.getDecoder().decode(secret.getData().get(".dockerconfigjson")));
        assertEquals(
                "ghs_pullToken\"quoted", config.at("/auths/ghcr.io/password").asText());
        assertEquals(
                java.util.Base64.getEncoder().encodeToString("x-access-token:ghs_pullToken\"quoted".getBytes()),
                config.at("/auths/ghcr.io/auth").asText());
        assertFalse(launch.toString().contains("ghs_pullToken"));
        assertNull(job(Map.of(), launch(1, null)).getSpec().getTemplate().getSpec().getImagePullSecrets().stream()
                .filter(r -> r.getName().endsWith("-pull"))
                .findFirst()
                .orElse(null));
    }

    @Test
    void theEntrypointConfigMapIsNamedByItsContent() {
        SessionJobBuilder builder = new SessionJobBuilder(config(Map.of()));
        assertEquals(builder.entrypoint("echo a").getMetadata().getName(), SessionJobBuilder.entrypointName("echo a"));
        assertFalse(SessionJobBuilder.entrypointName("echo a").equals(SessionJobBuilder.entrypointName("echo b")));
        assertTrue(builder.entrypoint("echo a").getImmutable());
    }

    /** An agent image's command and resources reach the agent container, within the configured ceilings. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            nullValues = "-",
            value = {
                // case                        | command  | cpuReq | memReq | cpuLim | memLim | command, cpu req/lim,
                // mem req/lim in the Job
                "the service's defaults        | -        | -      | -      | -      | -      | claude, 500m/2, 1Gi/4Gi",
                "the image's own               | aider    | 1      | 2Gi    | 4      | 8Gi    | aider, 1/4, 2Gi/8Gi",
                "only limits given             | -        | -      | -      | 3      | 6Gi    | claude, 500m/3, 1Gi/6Gi",
                "beyond the ceilings: capped   | -        | 12     | 20Gi   | 16     | 32Gi   | claude, 8/8, 16Gi/16Gi",
                "a request above its limit     | -        | 3      | 6Gi    | -      | -      | claude, 2/2, 4Gi/4Gi",
            })
    void anAgentImagesCommandAndResourcesReachTheJob(
            String name,
            String command,
            String cpuRequest,
            String memoryRequest,
            String cpuLimit,
            String memoryLimit,
            String expected) {
        Job job = job(Map.of(), launch(new AgentSettings(command, cpuRequest, memoryRequest, cpuLimit, memoryLimit)));
        var agent = job.getSpec().getTemplate().getSpec().getContainers().get(0);
        var resources = agent.getResources();
        String actual = agent.getEnv().stream()
                        .filter(e -> e.getName().equals("PARA_AGENT_COMMAND"))
                        .findFirst()
                        .orElseThrow()
                        .getValue()
                + ", " + resources.getRequests().get("cpu") + "/"
                + resources.getLimits().get("cpu") + ", "
                + resources.getRequests().get("memory") + "/"
                + resources.getLimits().get("memory");
        assertEquals(expected, actual, name);
    }

    @Test
    void whatPassesTheCeilingsIsNamed() {
        var pod = config(Map.of()).pod();
        assertEquals(
                Map.of("cpuLimit", "8", "memoryRequest", "16Gi"),
                new AgentSettings(null, "500m", "17Gi", "9", "16Gi").beyond(pod));
        assertEquals(Map.of(), new AgentSettings(null, "8000m", "16384Mi", "8", "16Gi").beyond(pod));
    }
}
