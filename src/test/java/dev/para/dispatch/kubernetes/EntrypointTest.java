package dev.para.dispatch.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.para.dispatch.testing.GitServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real session entrypoint, run with /bin/sh (dash) against a real git server on loopback that
 * checks the token on every request, with a fake agent. No cluster: the pod's inputs are files
 * and environment, as the Job gives them.
 */
class EntrypointTest {

    static final Path ENTRYPOINT = Path.of("src/main/resources/session/entrypoint.sh");
    static final Path FAKE_AGENT =
            Path.of("src/test/resources/session/fake-agent.sh").toAbsolutePath();

    Path dir;
    GitServer git;
    String cloneUrl;
    String token;
    Path session;

    record Run(int exit, String output, JsonNode termination, Path workspace) {}

    @BeforeEach
    void setUp() throws Exception {
        dir = Files.createTempDirectory("entrypoint");
        Files.createDirectories(dir.resolve("repos"));
        git = new GitServer(dir.resolve("repos"));
        cloneUrl = git.createRepository("app");
        token = "ghs_" + UUID.randomUUID().toString().replace("-", "");
        git.allow(token);
        session = Files.createDirectories(dir.resolve("session"));
        Files.writeString(session.resolve("token"), token);
        Files.writeString(session.resolve("prompt"), "Write the changelog\nfor release 2");
        FAKE_AGENT.toFile().setExecutable(true);
    }

    @AfterEach
    void tearDown() {
        git.close();
    }

    Run run(String mode, Map<String, String> extra) throws Exception {
        Path workspace = Files.createDirectories(dir.resolve("workspace-" + mode));
        Path termination = dir.resolve("termination-" + mode);
        ProcessBuilder pb = new ProcessBuilder(
                        "/bin/sh", ENTRYPOINT.toAbsolutePath().toString())
                .directory(workspace.toFile())
                .redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.clear();
        env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        env.put("HOME", Files.createDirectories(dir.resolve("home-" + mode)).toString());
        env.put("PARA_SESSION_ID", "7c9e6679-7425-40de-944b-e07fc1f90ae7");
        env.put("PARA_SESSION_SLUG", "changelog_20261123-101500");
        env.put("PARA_CLONE_URL", cloneUrl);
        env.put("PARA_SOURCE_BRANCH", "main");
        env.put("PARA_BRANCH_BASE", "para/changelog_20261123-101500");
        env.put("PARA_INSTANCES", "2");
        env.put("JOB_COMPLETION_INDEX", "1");
        env.put("PARA_GIT_NAME", "para-dispatch");
        env.put("PARA_GIT_EMAIL", "para@example.com");
        env.put("PARA_AGENT_COMMAND", FAKE_AGENT.toString());
        env.put("PARA_MAX_TURNS", "5");
        env.put("PARA_SESSION_DIR", session.toString());
        env.put("PARA_WORKSPACE", workspace.toString());
        env.put("PARA_TERMINATION_LOG", termination.toString());
        env.put("FAKE_AGENT_MODE", mode);
        env.put("PARA_AGENT_AUTH_CHECK", "none");
        env.putAll(extra);
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        JsonNode report = Files.exists(termination) ? new ObjectMapper().readTree(Files.readString(termination)) : null;
        return new Run(p.exitValue(), output, report, workspace);
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

    @Test
    void aNormalRunPushesTheBranchAndReportsIt() throws Exception {
        Run run = run("edit", Map.of());
        assertEquals(0, run.exit(), run.output());
        String branch = "para/changelog_20261123-101500-2";
        String head = git.ref("app", "refs/heads/" + branch);
        assertNotNull(head, "the branch was not pushed: " + run.output());
        assertEquals(branch, run.termination().path("branch").asText());
        assertEquals(head, run.termination().path("head").asText());
        assertTrue(run.termination().path("pushed").asBoolean());
        assertEquals(0.12, run.termination().path("cost").asDouble());
        assertEquals(3, run.termination().path("turns").asInt());
        assertTokenNowhere(run, token);
    }

    @Test
    void aTokenRotatedDuringTheRunIsUsedForThePush() throws Exception {
        String rotated = "ghs_" + UUID.randomUUID().toString().replace("-", "");
        git.allow(rotated);
        Thread revoker = new Thread(() -> {
            try {
                while (!Files.readString(session.resolve("token")).equals(rotated)) {
                    Thread.sleep(20);
                }
                git.revoke(token); // the old token dies: a push with it would be refused
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        revoker.start();
        Run run = run("rotate", Map.of("FAKE_NEW_TOKEN", rotated));
        revoker.join(10_000);
        assertEquals(0, run.exit(), run.output());
        assertTrue(run.termination().path("pushed").asBoolean());
        assertTrue(git.usedTokens().contains(rotated), "the push did not use the rotated token");
        assertTokenNowhere(run, token, rotated);
    }

    /** The token is for the entrypoint's push: the agent's own git calls find no credential. */
    @Test
    void theAgentGetsNoGitHubCredential() throws Exception {
        Run run = run("snoop", Map.of());
        assertEquals(0, run.exit(), run.output());
        assertTrue(run.termination().path("pushed").asBoolean());
        assertNull(git.ref("app", "refs/heads/agent-own-branch"), "the agent pushed on its own");
        String snooped = Files.readString(run.workspace().resolve("repo/SNOOP.md"));
        assertTrue(snooped.contains("no credential") && snooped.contains("push refused"), snooped);
        assertFalse(snooped.contains(token), "the agent read the token through git");
        assertTokenNowhere(run, token);
    }

    @Test
    void anAgentThatChangesNothingSucceedsWithoutAPush() throws Exception {
        Run run = run("nothing", Map.of());
        assertEquals(0, run.exit(), run.output());
        assertFalse(run.termination().path("pushed").asBoolean());
        assertNull(git.ref("app", "refs/heads/para/changelog_20261123-101500-2"));
    }

    @Test
    void anAgentThatIsNotAuthenticatedHasItsOwnCodeAndPushesNothing() throws Exception {
        Run run = run("unauthenticated", Map.of());
        assertEquals(PodStatusReader.EXIT_AGENT_AUTH, run.exit(), run.output());
        assertNull(git.ref("app", "refs/heads/para/changelog_20261123-101500-2"));
        assertFalse(run.termination().path("pushed").asBoolean());
    }

    @Test
    void withNoCredentialAtAllTheAgentIsNeverStarted() throws Exception {
        Run run = run("edit", Map.of("PARA_AGENT_AUTH_CHECK", "claude"));
        assertEquals(PodStatusReader.EXIT_AGENT_AUTH, run.exit(), run.output());
        assertFalse(Files.exists(run.workspace().resolve("repo/CHANGES.md")), "the agent ran");
        assertNull(git.ref("app", "refs/heads/para/changelog_20261123-101500-2"));
    }

    @Test
    void aCredentialFileCountsAsAuthenticated() throws Exception {
        Files.writeString(session.resolve("anthropic-api-key"), "sk-ant-api03-test-key-value");
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
    void shellcheckFindsNothing() throws Exception {
        String shellcheck = dev.para.dispatch.testing.Tools.require("shellcheck", "shellcheck")
                .toString();
        Process p = new ProcessBuilder(shellcheck, "-s", "sh", ENTRYPOINT.toString(), FAKE_AGENT.toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), output);
    }

    @Test
    void missingInputsAreABadConfiguration() throws Exception {
        Files.delete(session.resolve("token"));
        Run run = run("edit", Map.of());
        assertEquals(PodStatusReader.EXIT_CONFIG, run.exit(), run.output());
        assertTrue(run.termination().path("reason").asText().contains("token"));
    }
}
