package dev.para.dispatch.cli;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.para.dispatch.testing.ApiTokens;
import dev.para.dispatch.testing.GitHubFake;
import dev.para.dispatch.testing.LocalRuntimeProfile;
import dev.para.dispatch.testing.SessionFixtures;
import dev.para.dispatch.testing.Tools;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `para dispatch … --follow` in a real terminal, as a person runs it: tmux gives it a pane, and
 * {@code capture-pane} shows what the person sees — one line per instance, redrawn in place, until
 * each ends with its PR link; Ctrl-C leaves the session running and says how to follow it again.
 */
@QuarkusTest
@TestProfile(LocalRuntimeProfile.class)
class ParaTerminalTest {

    @GitHubFake.Inject
    WireMockServer github;

    @TempDir
    Path home;

    private final List<String> tmuxSessions = new ArrayList<>();

    @AfterEach
    void killPanes() throws Exception {
        for (String name : tmuxSessions) {
            tmux("kill-session", "-t", name);
        }
    }

    private static String tmux(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("tmux");
        command.add("-u"); // UTF-8, whatever the locale of the test run
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(20, TimeUnit.SECONDS);
        return out;
    }

    /** Starts {@code ./para args} in a detached 150×20 pane of its own; the pane's name. */
    private String startInPane(SessionFixtures f, String args) throws Exception {
        Tools.require("tmux", "tmux");
        String name = "para-" + UUID.randomUUID().toString().substring(0, 8);
        tmuxSessions.add(name);
        String command = "env -i PATH=\"$PATH\" HOME=" + home + " LANG=C.UTF-8 TERM=xterm-256color NO_COLOR=1"
                + " PARA_URL=" + ParaCli.url() + " PARA_TOKEN=" + ApiTokens.forAccount(f.account)
                + " ./para " + args + "; echo \"EXIT=$?\"; sleep 600";
        tmux(
                "new-session",
                "-d",
                "-s",
                name,
                "-x",
                "150",
                "-y",
                "20",
                "-c",
                Path.of("").toAbsolutePath().toString(),
                command);
        return name;
    }

    private static String screen(String pane) throws Exception {
        return tmux("capture-pane", "-p", "-t", pane);
    }

    private static long linesOf(String screen, int instance) {
        return screen.lines()
                .filter(l -> l.matches("^\\S #" + instance + " .*"))
                .count();
    }

    @Test
    void oneLinePerInstanceUpdatesInPlaceUntilEachEndsWithItsPullRequest() throws Exception {
        SessionFixtures f = SessionFixtures.linked(github);
        LocalRuntimeProfile.git().createRepository(f.owner + "/" + f.repo);
        f.stubPullRequests(github);
        String pane = startInPane(
                f,
                "dispatch \"$(printf 'fake-agent: slow\\nWrite the changelog')\" --repo " + f.repository()
                        + " -n 3 --follow");

        // while the agents work: each instance's line shows it running, with its turns
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> screen(pane).lines().anyMatch(l -> l.matches("^\\S #\\d RUNNING .*turns \\d+.*")));
        String pulls = Pattern.quote("https://github.com/" + f.repository() + "/pull/");
        await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> screen(pane).contains("EXIT="));
        String end = screen(pane);
        assertTrue(end.contains("EXIT=0"), end);
        for (int i = 1; i <= 3; i++) {
            assertEquals(1, linesOf(end, i), "one line for instance " + i + ", redrawn in place:\n" + end);
            assertTrue(
                    Pattern.compile("(?m)^✓ #" + i + " SUCCEEDED .*turns 3 \\$0\\.1200  " + pulls + "\\d+ *$")
                            .matcher(end)
                            .find(),
                    end);
        }
    }

    @Test
    void ctrlCLeavesTheSessionRunningAndSaysHowToFollowItAgain() throws Exception {
        SessionFixtures f = SessionFixtures.linked(github);
        LocalRuntimeProfile.git().createRepository(f.owner + "/" + f.repo);
        f.stubPullRequests(github);
        String pane = startInPane(
                f,
                "dispatch \"$(printf 'fake-agent: sleep\\nWork forever')\" --repo " + f.repository()
                        + " --timeout 5m --follow");
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> screen(pane).lines().anyMatch(l -> l.matches("^\\S #1 RUNNING .*")));
        Matcher id = Pattern.compile("Session ([0-9a-f-]{36})").matcher(screen(pane));
        assertTrue(id.find(), screen(pane));

        tmux("send-keys", "-t", pane, "C-c");
        await().atMost(Duration.ofSeconds(20)).until(() -> screen(pane).contains("EXIT="));
        String end = screen(pane);
        assertTrue(
                end.contains("Stopped following; the session goes on. Follow it again: para follow " + id.group(1)),
                end);
        given().header("Authorization", f.bearer())
                .get("/api/v1/sessions/" + id.group(1))
                .then()
                .statusCode(200)
                .body("state", org.hamcrest.Matchers.equalTo("RUNNING"));
        given().header("Authorization", f.bearer())
                .post("/api/v1/sessions/" + id.group(1) + "/cancel")
                .then()
                .statusCode(200);
    }
}
