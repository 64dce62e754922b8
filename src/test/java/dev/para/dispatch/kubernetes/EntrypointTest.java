package dev.para.dispatch.kubernetes;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.para.dispatch.testing.GitServer;
import dev.para.dispatch.testing.Tools;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The real session steps, run with /bin/sh (dash) as the pod runs them: clone first, then the
 * agent and publish side by side, each with only the inputs its container gets. A real git server
 * on loopback checks the token on every request; a second one stands for wherever a hostile agent
 * would like the token to go, and counts every credential it is offered. No cluster, one uid: what
 * the uids and volumes of the pod add is proven on the built Job ({@link SessionJobBuilderTest}).
 */
class EntrypointTest {

    static final Path ENTRYPOINT = Path.of("src/main/resources/session/entrypoint.sh");
    static final Path FAKE_AGENT =
            Path.of("src/test/resources/session/fake-agent.sh").toAbsolutePath();
    static final String BRANCH = "para/changelog_20261123-101500-2";

    Path dir;
    GitServer git;
    GitServer other;
    String cloneUrl;
    String otherUrl;
    String token;
    Path agentFiles;
    Path tokenFile;
    Path marker;

    record Run(int exit, String output, JsonNode termination, Path workspace) {}

    @BeforeEach
    void setUp() throws Exception {
        dir = Files.createTempDirectory("entrypoint");
        git = new GitServer(Files.createDirectories(dir.resolve("repos")));
        other = new GitServer(Files.createDirectories(dir.resolve("other-repos")));
        cloneUrl = git.createRepository("app");
        otherUrl = other.createRepository("app");
        token = newToken();
        git.allow(token);
        agentFiles = Files.createDirectories(dir.resolve("agent-files"));
        Files.writeString(agentFiles.resolve("prompt"), "Write the changelog\nfor release 2");
        tokenFile = Files.createDirectories(dir.resolve("github")).resolve("token");
        Files.writeString(tokenFile, token);
        marker = dir.resolve("agent-code-ran");
        FAKE_AGENT.toFile().setExecutable(true);
    }

    @AfterEach
    void tearDown() {
        git.close();
        other.close();
    }

    static String newToken() {
        return "ghs_" + UUID.randomUUID().toString().replace("-", "");
    }

    Run run(String mode, Map<String, String> extra) throws Exception {
        return run(mode, extra, (agent, publish) -> {});
    }

    /** Runs clone, then agent and publish together; {@code during} sees both while they run. */
    Run run(String mode, Map<String, String> extra, java.util.function.BiConsumer<Process, Process> during)
            throws Exception {
        Path workspace = Files.createDirectories(dir.resolve("workspace-" + mode));
        Path state = Files.createDirectories(dir.resolve("git-state-" + mode));
        Path termination = dir.resolve("termination-" + mode);
        Map<String, String> common = new HashMap<>();
        common.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        common.put("PARA_SESSION_ID", "7c9e6679-7425-40de-944b-e07fc1f90ae7");
        common.put("PARA_SESSION_SLUG", "changelog_20261123-101500");
        common.put("PARA_CLONE_URL", cloneUrl);
        common.put("PARA_SOURCE_BRANCH", "main");
        common.put("PARA_BRANCH_BASE", "para/changelog_20261123-101500");
        common.put("PARA_INSTANCES", "2");
        common.put("JOB_COMPLETION_INDEX", "1");
        common.put("PARA_GIT_NAME", "para-dispatch");
        common.put("PARA_GIT_EMAIL", "para@example.com");
        common.put("PARA_WORKSPACE", workspace.toString());
        common.put("PARA_HEARTBEAT_TIMEOUT", "20");
        common.put("PARA_STOP_WAIT", "5");
        Map<String, String> git = new HashMap<>(common);
        git.put("HOME", Files.createDirectories(dir.resolve("git-home-" + mode)).toString());
        git.put("PARA_GIT_STATE", state.toString());
        git.put("PARA_TOKEN_FILE", tokenFile.toString());
        git.put("PARA_TERMINATION_LOG", termination.toString());
        Map<String, String> agent = new HashMap<>(common);
        agent.put(
                "HOME",
                Files.createDirectories(dir.resolve("agent-home-" + mode)).toString());
        agent.put("PARA_SESSION_DIR", agentFiles.toString());
        agent.put("PARA_AGENT_COMMAND", FAKE_AGENT.toString());
        agent.put("PARA_MAX_TURNS", "5");
        agent.put("PARA_AGENT_AUTH_CHECK", "none");
        agent.put("FAKE_AGENT_MODE", mode);
        agent.put("FAKE_MARKER", marker.toString());
        agent.put("FAKE_OTHER_REMOTE", otherUrl);
        agent.put("FAKE_TOKEN_FILE", tokenFile.toString());
        extra.forEach((name, value) -> {
            agent.put(name, value);
            if (!name.startsWith("PARA_AGENT") && !name.startsWith("FAKE")) {
                git.put(name, value);
            }
        });

        StringBuilder output = new StringBuilder();
        Process clone = start("clone", workspace, git);
        output.append(read(clone));
        if (clone.exitValue() != 0) {
            return new Run(clone.exitValue(), output.toString(), termination(termination), workspace);
        }
        Process agentStep = start("agent", workspace, agent);
        Process publish = start("publish", workspace, git);
        CompletableFuture<String> agentOutput = CompletableFuture.supplyAsync(() -> read(agentStep));
        CompletableFuture<String> publishOutput = CompletableFuture.supplyAsync(() -> read(publish));
        during.accept(agentStep, publish);
        output.append(agentOutput.get(90, TimeUnit.SECONDS)).append(publishOutput.get(90, TimeUnit.SECONDS));
        assertEquals(0, agentStep.exitValue(), "the agent step always ends well: " + output);
        return new Run(publish.exitValue(), output.toString(), termination(termination), workspace);
    }

    static Process start(String step, Path workspace, Map<String, String> env) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(
                        "/bin/sh", ENTRYPOINT.toAbsolutePath().toString(), step)
                .directory(workspace.toFile())
                .redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().putAll(env);
        return pb.start();
    }

    static String read(Process p) {
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(90, TimeUnit.SECONDS));
            return out;
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode termination(Path file) throws IOException {
        return Files.exists(file) ? new ObjectMapper().readTree(Files.readString(file)) : null;
    }

    void assertTokenNowhere(Run run, String... tokens) throws IOException {
        Path config = run.workspace().resolve("repo/.git/config");
        for (String t : tokens) {
            assertFalse(run.output().contains(t), "the token is in the output");
            assertFalse(
                    run.termination() != null && run.termination().toString().contains(t),
                    "the token is in the report");
            assertFalse(Files.exists(config) && Files.readString(config).contains(t), "the token is in .git/config");
        }
    }

    /** No agent code ran in publish, nothing reached the second server, and the real push happened. */
    void assertPublishedSafely(Run run) throws Exception {
        assertEquals(0, run.exit(), run.output());
        assertFalse(Files.exists(marker), () -> "agent code ran: " + read(marker));
        assertTrue(other.offeredTokens().isEmpty(), "the second server was offered a credential");
        assertNull(other.ref("app", "refs/heads/" + BRANCH), "the push went to the second server");
        assertNotNull(git.ref("app", "refs/heads/" + BRANCH), "the branch was not pushed: " + run.output());
        assertTrue(run.termination().path("pushed").asBoolean());
        assertTokenNowhere(run, token);
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return e.toString();
        }
    }

    String commitMessage() throws Exception {
        Process p = new ProcessBuilder("git", "log", "-1", "--format=%s", "refs/heads/" + BRANCH)
                .directory(git.repository("app").toFile())
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        p.waitFor();
        return out;
    }

    @Test
    void aNormalRunPushesTheBranchAndReportsIt() throws Exception {
        Run run = run("edit", Map.of());
        assertEquals(0, run.exit(), run.output());
        String head = git.ref("app", "refs/heads/" + BRANCH);
        assertNotNull(head, "the branch was not pushed: " + run.output());
        assertEquals(BRANCH, run.termination().path("branch").asText());
        assertEquals(head, run.termination().path("head").asText());
        assertTrue(run.termination().path("pushed").asBoolean());
        assertFalse(run.termination().path("wip").asBoolean());
        assertEquals("succeeded", run.termination().path("agent").asText());
        assertEquals(0.12, run.termination().path("cost").asDouble());
        assertEquals(3, run.termination().path("turns").asInt());
        assertEquals("para: session changelog_20261123-101500, instance 2", commitMessage());
        assertTrue(run.output().contains("\"type\":\"system\""), "the agent's events are in the log");
        assertTokenNowhere(run, token);
    }

    /** Tokens live 4 s here; the run takes longer, and the token the service refreshes is used. */
    @Test
    void aSessionLongerThanOneTokenLifetimeStillPushes() throws Exception {
        String first = newToken();
        git.revoke(token);
        git.allow(first, Duration.ofSeconds(4));
        Files.writeString(tokenFile, first);
        Instant started = Instant.now();
        String[] refreshed = new String[1];
        Run run = run("slow", Map.of("FAKE_SLOW_SECONDS", "2"), (agent, publish) -> {
            try {
                // The refresher: a new token, written whole and moved into place as the kubelet does.
                Thread.sleep(2000);
                refreshed[0] = newToken();
                git.allow(refreshed[0], Duration.ofSeconds(60));
                Path next = tokenFile.resolveSibling("token.next");
                Files.writeString(next, refreshed[0]);
                Files.move(next, tokenFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(Duration.between(started, Instant.now()).toSeconds() >= 5, "the run was shorter than a token");
        assertEquals(0, run.exit(), run.output());
        assertTrue(run.termination().path("pushed").asBoolean());
        assertTrue(git.usedTokens().contains(refreshed[0]), "the push did not use the refreshed token");
        assertTokenNowhere(run, first, refreshed[0]);
    }

    /** The agent's container has no token: git's credential chain and its own push find nothing. */
    @Test
    void theAgentGetsNoGitHubCredential() throws Exception {
        Run run = run("snoop", Map.of());
        assertEquals(0, run.exit(), run.output());
        assertTrue(run.termination().path("pushed").asBoolean());
        assertNull(git.ref("app", "refs/heads/agent-own-branch"), "the agent pushed on its own");
        String snooped = Files.readString(run.workspace().resolve("repo/SNOOP.md"));
        assertTrue(snooped.contains("no credential") && snooped.contains("push refused"), snooped);
        assertFalse(snooped.contains(token), "the agent found the token");
        assertFalse(snooped.contains("PARA_TOKEN_FILE"), "the agent was told where the token is");
        assertTokenNowhere(run, token);
    }

    /**
     * A hostile agent rewrites what it can reach: hooks, core.hooksPath, core.fsmonitor (also in a
     * nested repository), url.*.insteadOf (repository and global config) and the remote's URL.
     * Publish pushes to the real server with its own config; no agent code runs, and the second
     * server is offered nothing.
     */
    @ParameterizedTest
    @ValueSource(strings = {"hook", "fsmonitor", "insteadof", "remote"})
    void aHostileAgentNeitherRunsCodeInPublishNorRedirectsTheToken(String mode) throws Exception {
        Run run = run(mode, Map.of());
        assertPublishedSafely(run);
        assertEquals("para: session changelog_20261123-101500, instance 2", commitMessage());
    }

    @Test
    void aLinkToTheTokenInPlaceOfTheWorkTreeIsRefused() throws Exception {
        Run run = run("link", Map.of());
        assertEquals(PodStatusReader.EXIT_GIT, run.exit(), run.output());
        assertFalse(run.termination().path("pushed").asBoolean());
        assertNull(git.ref("app", "refs/heads/" + BRANCH), "something was pushed");
        assertTokenNowhere(run, token);
    }

    @Test
    void anAgentStoppedAtItsTimeLimitHasItsWorkPushedAsWip() throws Exception {
        long deadline = Instant.now().getEpochSecond() + 3;
        Run run = run("sleep", Map.of("PARA_AGENT_DEADLINE", String.valueOf(deadline)));
        assertEquals(PodStatusReader.EXIT_TIMED_OUT, run.exit(), run.output());
        assertEquals("timed-out", run.termination().path("agent").asText());
        assertTrue(run.termination().path("pushed").asBoolean(), run.output());
        assertTrue(run.termination().path("wip").asBoolean());
        assertTrue(commitMessage().startsWith("WIP: para: session"), commitMessage());
        assertTrue(run.termination().path("reason").asText().contains("time limit"));
    }

    @Test
    void aFailedAgentsWorkIsPushedAsWip() throws Exception {
        Run run = run("fail", Map.of());
        assertEquals(PodStatusReader.EXIT_AGENT, run.exit(), run.output());
        assertTrue(run.termination().path("pushed").asBoolean(), run.output());
        assertTrue(run.termination().path("wip").asBoolean());
        assertEquals(0.05, run.termination().path("cost").asDouble());
        assertTrue(commitMessage().startsWith("WIP: "), commitMessage());
    }

    /** A cancel deletes the pod: both containers get SIGTERM, and publish still pushes. */
    @Test
    void aCancelledAgentsWorkIsPushedAsWip() throws Exception {
        Run run = run("sleep", Map.of(), (agent, publish) -> {
            try {
                Path changes = dir.resolve("workspace-sleep/repo/CHANGES.md");
                for (int i = 0; i < 100 && !Files.exists(changes); i++) {
                    Thread.sleep(100);
                }
                Thread.sleep(300);
                agent.toHandle().destroy(); // SIGTERM, as the kubelet sends it
                publish.toHandle().destroy();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertEquals(PodStatusReader.EXIT_CANCELLED, run.exit(), run.output());
        assertEquals("cancelled", run.termination().path("agent").asText());
        assertTrue(run.termination().path("pushed").asBoolean(), run.output());
        assertTrue(commitMessage().startsWith("WIP: "), commitMessage());
    }

    /** Each stream-json event reaches the step's output as the agent writes it, not when it exits. */
    @Test
    void theAgentsEventsReachTheLogAsTheyHappen() throws Exception {
        Path workspace = Files.createDirectories(dir.resolve("workspace-live"));
        Files.createDirectories(workspace.resolve("repo"));
        Files.createDirectories(workspace.resolve(".para"));
        Map<String, String> env = new HashMap<>(Map.of(
                "PATH",
                "/usr/local/bin:/usr/bin:/bin",
                "HOME",
                workspace.toString(),
                "PARA_WORKSPACE",
                workspace.toString(),
                "PARA_SESSION_DIR",
                agentFiles.toString(),
                "PARA_AGENT_COMMAND",
                FAKE_AGENT.toString(),
                "PARA_AGENT_AUTH_CHECK",
                "none",
                "FAKE_AGENT_MODE",
                "slow",
                "FAKE_SLOW_SECONDS",
                "2"));
        Process agent = start("agent", workspace, env);
        long firstEventDelay = -1;
        try (BufferedReader lines =
                new BufferedReader(new InputStreamReader(agent.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (firstEventDelay < 0 && line.contains("written_at_ms")) {
                    long written = new ObjectMapper()
                            .readTree(line)
                            .path("written_at_ms")
                            .asLong();
                    firstEventDelay = System.currentTimeMillis() - written;
                }
            }
        }
        assertTrue(agent.waitFor(30, TimeUnit.SECONDS));
        assertTrue(firstEventDelay >= 0, "no event was logged");
        assertTrue(firstEventDelay < 2000, "the first event came " + firstEventDelay + " ms after it was written");
    }

    @Test
    void theAgentsCredentialIsMaskedInTheLog() throws Exception {
        Files.writeString(agentFiles.resolve("anthropic-api-key"), "sk-ant-api03-secret-key-value");
        Run run = run("leak", Map.of("PARA_AGENT_AUTH_CHECK", "claude"));
        assertEquals(0, run.exit(), run.output());
        assertFalse(run.output().contains("sk-ant-api03-secret-key-value"), run.output());
        assertTrue(run.output().contains("sk-ant-[REDACTED]"), run.output());
    }

    @Test
    void anAgentThatChangesNothingSucceedsWithoutAPush() throws Exception {
        Run run = run("nothing", Map.of());
        assertEquals(0, run.exit(), run.output());
        assertFalse(run.termination().path("pushed").asBoolean());
        assertNull(git.ref("app", "refs/heads/" + BRANCH));
    }

    /**
     * An agent with no budget flag of its own reports its cost as it goes: once it passes the
     * budget it is stopped, and its work is pushed as WIP with its own exit code.
     */
    @Test
    void anAgentWhoseReportedCostPassesItsBudgetIsStoppedAndItsWorkKept() throws Exception {
        Path args = dir.resolve("spend-args");
        Run run = run(
                "spend",
                Map.of(
                        "PARA_BUDGET_USD",
                        "0.035",
                        "PARA_AGENT_BUDGET_FLAG",
                        "--max-budget-usd",
                        "FAKE_ARGS_FILE",
                        args.toString()));
        assertEquals(PodStatusReader.EXIT_BUDGET, run.exit(), run.output());
        assertEquals("budget-exceeded", run.termination().path("agent").asText());
        assertTrue(run.termination().path("pushed").asBoolean(), run.output());
        assertTrue(run.termination().path("wip").asBoolean());
        double cost = run.termination().path("cost").asDouble();
        assertTrue(cost > 0.035 && cost < 0.07, "what it had reported when stopped, past the budget: " + cost);
        assertTrue(run.termination().path("reason").asText().startsWith("the agent passed its budget"), run.output());
        assertTrue(Files.readString(args).contains("--max-budget-usd\n0.035\n"), "the agent's own flag is given");
        assertTrue(commitMessage().startsWith("WIP: "), commitMessage());
    }

    /** An agent that stops at its own budget flag (Claude Code's error_max_budget_usd) ends the same way. */
    @Test
    void anAgentThatStopsAtItsOwnBudgetFlagIsOverBudgetToo() throws Exception {
        Run run = run("overspend", Map.of("PARA_BUDGET_USD", "0.07", "PARA_AGENT_BUDGET_FLAG", "--max-budget-usd"));
        assertEquals(PodStatusReader.EXIT_BUDGET, run.exit(), run.output());
        assertEquals(0.07, run.termination().path("cost").asDouble(), 1e-9);
        assertTrue(run.termination().path("pushed").asBoolean(), run.output());
    }

    /** What the pushed commits change, and the agent's own first paragraph, go in the report. */
    @Test
    void aPushedChangeIsDescribedForTheComparisonOfInstances() throws Exception {
        Run run = run("tested", Map.of());
        assertEquals(0, run.exit(), run.output());
        JsonNode report = run.termination();
        assertEquals(2, report.path("files").asInt(), report.toString());
        assertEquals(3, report.path("insertions").asInt(), report.toString());
        assertEquals(0, report.path("deletions").asInt(), report.toString());
        assertTrue(report.path("tests").asBoolean(), report.toString());
        assertEquals(
                "Fixed the \"typo\" in CHANGES.md and added a test.",
                report.path("summary").asText());
        assertEquals(5, report.path("turns").asInt());

        Run plain = run("edit", Map.of());
        assertFalse(plain.termination().path("tests").asBoolean(), "no test changed");
        assertEquals(1, plain.termination().path("files").asInt());
    }

    /** Exit 0 within seconds, without a turn or a change: the agent did not run, so the instance fails. */
    @Test
    void anAgentThatDidNothingAtAllFails() throws Exception {
        Run run = run("idle", Map.of());
        assertEquals(PodStatusReader.EXIT_AGENT, run.exit(), run.output());
        assertTrue(
                run.termination().path("reason").asText().startsWith("the agent did nothing: no turn and no change in"),
                run.output());
        assertFalse(run.termination().path("pushed").asBoolean());
    }

    @Test
    void anAgentThatIsNotAuthenticatedHasItsOwnCodeAndPushesNothing() throws Exception {
        Run run = run("unauthenticated", Map.of());
        assertEquals(PodStatusReader.EXIT_AGENT_AUTH, run.exit(), run.output());
        assertNull(git.ref("app", "refs/heads/" + BRANCH));
        assertFalse(run.termination().path("pushed").asBoolean());
    }

    /**
     * The readiness probe ({@code entrypoint.sh ready}) of a session that starts one instance
     * first: it fails while the agent has not made a turn (the slow agent waits 3 s) and passes
     * once it has, which is what starts the other instances.
     */
    @Test
    void theReadyStepPassesOnceTheAgentsFirstTurnShowsItWasLetIn() throws Exception {
        List<Integer> before = new ArrayList<>();
        run("slow", Map.of(), (agent, publish) -> {
            Path workspace = dir.resolve("workspace-slow");
            before.add(ready(workspace));
            await().atMost(Duration.ofSeconds(15)).until(() -> ready(workspace) == 0);
        });
        assertEquals(List.of(1), before, "ready before the agent's first turn");
    }

    /** Claude Code's synthetic "Invalid API key" message is no turn: the probe never passes. */
    @Test
    void aRefusedAgentNeverBecomesReady() throws Exception {
        List<Integer> during = new ArrayList<>();
        Run run = run("unauthenticated", Map.of("FAKE_REFUSED_SECONDS", "3"), (agent, publish) -> {
            Path workspace = dir.resolve("workspace-unauthenticated");
            while (agent.isAlive()) {
                during.add(ready(workspace));
                sleep(300);
            }
        });
        assertEquals(PodStatusReader.EXIT_AGENT_AUTH, run.exit(), run.output());
        assertTrue(during.size() > 3, "the probe ran while the agent did: " + during);
        assertEquals(Set.of(1), Set.copyOf(during));
    }

    private static int ready(Path workspace) {
        try {
            Process probe =
                    start("ready", workspace, Map.of("PATH", "/usr/bin:/bin", "PARA_WORKSPACE", workspace.toString()));
            read(probe);
            return probe.exitValue();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void withNoCredentialAtAllTheAgentIsNeverStarted() throws Exception {
        Run run = run("edit", Map.of("PARA_AGENT_AUTH_CHECK", "claude"));
        assertEquals(PodStatusReader.EXIT_AGENT_AUTH, run.exit(), run.output());
        assertFalse(Files.exists(run.workspace().resolve("repo/CHANGES.md")), "the agent ran");
        assertNull(git.ref("app", "refs/heads/" + BRANCH));
    }

    @Test
    void aCredentialFileCountsAsAuthenticated() throws Exception {
        Files.writeString(agentFiles.resolve("anthropic-api-key"), "sk-ant-api03-test-key-value");
        Run run = run("edit", Map.of("PARA_AGENT_AUTH_CHECK", "claude"));
        assertEquals(0, run.exit(), run.output());
        assertFalse(run.output().contains("sk-ant-api03-test-key-value"));
    }

    @Test
    void aRejectedPushIsAGitFailure() throws Exception {
        git.refusePushes(true);
        Run run = run("edit", Map.of());
        assertEquals(PodStatusReader.EXIT_GIT, run.exit(), run.output());
        assertFalse(run.termination().path("pushed").asBoolean());
        assertTokenNowhere(run, token);
    }

    @Test
    void plainHttpToAnotherHostIsRefusedBeforeAnyCredentialLeaves() throws Exception {
        cloneUrl = "http://example.com/owner/app.git";
        Run run = run("edit", Map.of());
        assertEquals(PodStatusReader.EXIT_CONFIG, run.exit(), run.output());
        assertTrue(run.termination().path("reason").asText().contains("https"));
    }

    @Test
    void shellcheckFindsNothing() throws Exception {
        String shellcheck = Tools.require("shellcheck", "shellcheck").toString();
        Process p = new ProcessBuilder(shellcheck, "-s", "sh", ENTRYPOINT.toString(), FAKE_AGENT.toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), output);
    }

    @Test
    void missingInputsAreABadConfiguration() throws Exception {
        Files.delete(tokenFile);
        Run run = run("edit", Map.of());
        assertEquals(PodStatusReader.EXIT_CONFIG, run.exit(), run.output());
        assertTrue(run.termination().path("reason").asText().contains("token"));
    }
}
