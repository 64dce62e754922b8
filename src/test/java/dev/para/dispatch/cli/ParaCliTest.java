package dev.para.dispatch.cli;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.para.dispatch.testing.ApiTokens;
import dev.para.dispatch.testing.GitHubFake;
import dev.para.dispatch.testing.LocalRuntimeProfile;
import dev.para.dispatch.testing.SessionFixtures;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.jwt.build.Jwt;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every `para` command against the running service, as a user runs it (the packaged jar, its own
 * process, stdout a pipe): sessions on the local runtime with the fake agent, and the refusals —
 * no token, an expired one, an unknown session, a field the API refuses.
 */
@QuarkusTest
@TestProfile(LocalRuntimeProfile.class)
class ParaCliTest {

    private static final Pattern SESSION_ID = Pattern.compile("Session ([0-9a-f-]{36})");
    private static final ObjectMapper JSON = new ObjectMapper();

    @GitHubFake.Inject
    WireMockServer github;

    @TempDir
    Path home;

    private SessionFixtures repository() throws Exception {
        SessionFixtures f = SessionFixtures.linked(github);
        LocalRuntimeProfile.git().createRepository(f.owner + "/" + f.repo);
        f.stubPullRequests(github);
        return f;
    }

    private static String idOf(ParaCli.Run run) {
        Matcher m = SESSION_ID.matcher(run.out());
        assertTrue(m.find(), run::toString);
        return m.group(1);
    }

    @Test
    void loginKeepsOnlyAnAcceptedTokenForItsOwnerAndLogoutForgetsIt() throws Exception {
        SessionFixtures f = SessionFixtures.linked(github);
        ParaCli para = new ParaCli(home);
        para.env.remove("PARA_URL");
        Path config = home.resolve(".config/para/config");

        ParaCli.Run refused = para.runWithInput("not-a-jwt\n", "login", "--url", ParaCli.url(), "--token-file", "-");
        assertEquals(3, refused.exit(), refused::toString);
        assertTrue(refused.err().contains("log in again"), refused::toString);
        assertFalse(Files.exists(config), "a refused token is not stored");

        Path tokenFile = home.resolve("token");
        Files.writeString(tokenFile, ApiTokens.forAccount(f.account));
        ParaCli.Run login = para.run("login", "--url", ParaCli.url() + "/", "--token-file", tokenFile.toString());
        assertEquals(0, login.exit(), login::toString);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(config)));

        ParaCli.Run installations = para.run("installations");
        assertEquals(0, installations.exit(), installations::toString);
        assertTrue(installations.out().contains(String.valueOf(f.installationId)), installations::toString);

        assertEquals(0, para.run("logout").exit());
        assertFalse(Files.exists(config));
        ParaCli.Run after = para.run("sessions");
        assertEquals(3, after.exit(), after::toString);
        assertTrue(after.err().contains("not logged in"), after::toString);
    }

    @Test
    void dispatchFollowsInPlainLinesUntilEveryPullRequestThenShowLogsSessionsAndRecover() throws Exception {
        SessionFixtures f = repository();
        ParaCli para = new ParaCli(home).token(ApiTokens.forAccount(f.account));

        ParaCli.Run dispatch = para.run(
                "dispatch",
                "Write the changelog",
                "--repo",
                f.repository(),
                "-n",
                "2",
                "--timeout",
                "10m",
                "--budget",
                "$1.50",
                "--follow");
        assertEquals(0, dispatch.exit(), dispatch::toString);
        String id = idOf(dispatch);
        String pulls = "https://github.com/" + f.repository() + "/pull/";
        for (int i = 1; i <= 2; i++) {
            assertTrue(
                    Pattern.compile("(?m)^#" + i + " SUCCEEDED .*" + Pattern.quote(pulls) + "\\d+$")
                            .matcher(dispatch.out())
                            .find(),
                    dispatch::toString);
        }
        assertFalse(dispatch.out().contains("\033["), "no terminal control codes on a pipe");

        ParaCli.Run show = para.run("show", id);
        assertEquals(0, show.exit(), show::toString);
        assertTrue(show.out().contains("SUCCEEDED") && show.out().contains(pulls), show::toString);

        ParaCli.Run followed = para.run("follow", id);
        assertEquals(0, followed.exit(), "following an ended session shows its end: " + followed);
        assertEquals(
                2,
                Pattern.compile("(?m)^#\\d SUCCEEDED .*" + Pattern.quote(pulls))
                        .matcher(followed.out())
                        .results()
                        .count(),
                followed::toString);

        ParaCli.Run json = para.run("show", id, "--output", "json");
        JsonNode session = JSON.readTree(json.out());
        assertEquals(id, session.path("id").asText());
        assertEquals(1.5, session.path("budgetUsd").asDouble(), 1e-9, "the budget reached the API");
        assertEquals(2, session.path("instances").size());

        ParaCli.Run logs = para.run("logs", id, "-i", "2", "--follow");
        assertEquals(0, logs.exit(), logs::toString);
        assertTrue(logs.out().contains("\"type\":\"result\""), logs::toString);

        ParaCli.Run listed = para.run("sessions", "--repo", f.repository(), "--state", "succeeded", "--limit", "1");
        assertEquals(0, listed.exit(), listed::toString);
        assertTrue(listed.out().startsWith(id), listed::toString);
        assertEquals(1, listed.out().lines().count(), listed::toString);
        assertEquals(
                1,
                JSON.readTree(para.run("sessions", "--limit", "1", "-o", "json").out())
                        .size());

        ParaCli.Run recovered = para.run("recover", id, "-i", "1", "--prompt", "Now the README", "--follow");
        assertEquals(0, recovered.exit(), recovered::toString);
        assertTrue(
                recovered
                        .out()
                        .contains("continues from "
                                + session.path("instances")
                                        .get(0)
                                        .path("branch")
                                        .asText()),
                recovered::toString);

        ParaCli.Run usage = para.run("usage");
        assertEquals(0, usage.exit(), usage::toString);
        assertTrue(usage.out().contains("spent"), usage::toString);
        assertEquals(0, para.run("usage", "-o", "json").exit());

        ParaCli.Run cancelled = para.run("cancel", id);
        assertEquals(0, cancelled.exit(), cancelled::toString);
        assertTrue(cancelled.out().contains("succeeded"), "cancelling an ended session changes nothing: " + cancelled);
    }

    @Test
    void aFailedInstanceExitsOneWithItsReason() throws Exception {
        SessionFixtures f = repository();
        ParaCli para = new ParaCli(home).token(ApiTokens.forAccount(f.account));
        ParaCli.Run run = para.runWithInput(
                "fake-agent: fail\nBreak things", "dispatch", "-", "--repo", f.repository(), "--follow");
        assertEquals(1, run.exit(), run::toString);
        assertTrue(Pattern.compile("(?m)^#1 FAILED ").matcher(run.out()).find(), run::toString);
        assertEquals(1, para.run("show", idOf(run)).exit());
        ParaCli.Run nothingToPick = para.run("pick", idOf(run), "-i", "1");
        assertEquals(2, nothingToPick.exit(), "a 409 is the user's to fix: " + nothingToPick);
        assertTrue(nothingToPick.err().contains("Instance 1 has no pull request to pick"), nothingToPick::toString);
    }

    @Test
    void refusalsAreOneLineWithTheExitCodeOfTheirKind() throws Exception {
        SessionFixtures f = repository();
        ParaCli para = new ParaCli(home);

        ParaCli.Run noToken = para.run("sessions");
        assertEquals(3, noToken.exit(), noToken::toString);
        assertTrue(noToken.err().startsWith("para: no token"), noToken::toString);

        String expired = Jwt.issuer("para-dispatch")
                .audience(ApiTokens.AUDIENCE)
                .subject(f.account)
                .upn(f.account + "@example.test")
                .issuedAt(Instant.now().minusSeconds(7200))
                .expiresAt(Instant.now().minusSeconds(3600))
                .sign("jwt/private-key.pem");
        ParaCli.Run stale = para.token(expired).run("sessions");
        assertEquals(3, stale.exit(), stale::toString);
        assertTrue(stale.err().contains("log in again"), stale::toString);

        para.token(ApiTokens.forAccount(f.account));
        ParaCli.Run unknown = para.run("show", UUID.randomUUID().toString());
        assertEquals(4, unknown.exit(), unknown::toString);
        assertEquals(1, unknown.err().lines().count(), unknown::toString);

        ParaCli.Run tooMany = para.run("dispatch", "x", "--repo", f.repository(), "-n", "11");
        assertEquals(2, tooMany.exit(), tooMany::toString);
        assertTrue(tooMany.err().contains("instances"), "the field at fault is named: " + tooMany);
        assertEquals(
                (Integer) 0,
                given().header("Authorization", f.bearer())
                        .get("/api/v1/sessions")
                        .then()
                        .extract()
                        .path("items.size()"),
                "nothing was created");

        // another account's session is not found, as for the API
        SessionFixtures other = repository();
        String theirs = other.create(1, "Theirs").toString();
        assertEquals(4, para.run("cancel", theirs).exit());
        assertEquals(4, para.run("logs", theirs, "-i", "1").exit());
    }

    @Test
    void credentialsAreReadFromStandardInputAndNeverShownAndImagesAreCheckedAtTheirRegistry() throws Exception {
        SessionFixtures f = repository();
        ParaCli para = new ParaCli(home).token(ApiTokens.forAccount(f.account));
        String secret = "sk-ant-api03-" + "x".repeat(40);

        ParaCli.Run set =
                para.runWithInput(secret + "\n", "credentials", "set", "anthropic", "--kind", "anthropic-api-key");
        assertEquals(0, set.exit(), set::toString);
        ParaCli.Run listed = para.run("credentials");
        assertTrue(listed.out().contains("anthropic") && listed.out().contains("anthropic-api-key"), listed::toString);
        ParaCli.Run json = para.run("credentials", "list", "--output", "json");
        for (ParaCli.Run run : new ParaCli.Run[] {set, listed, json}) {
            assertFalse(run.out().contains(secret) || run.err().contains(secret), "the secret is shown: " + run);
        }
        assertEquals(
                2,
                para.runWithInput("", "credentials", "set", "empty", "--kind", "anthropic-api-key")
                        .exit());
        assertEquals(0, para.run("credentials", "delete", "anthropic").exit());
        assertEquals(4, para.run("credentials", "delete", "anthropic").exit());

        ParaCli.Run unreachable = para.run("images", "set", "agent", "--image", "127.0.0.1:1/team/agent:1.0");
        assertEquals(2, unreachable.exit(), unreachable::toString);
        assertTrue(unreachable.err().startsWith("para: "), unreachable::toString);
        assertTrue(para.run("images").out().contains("No agent images"));
        assertEquals(4, para.run("images", "delete", "agent").exit());

        ParaCli.Run setup = para.run("setup");
        assertEquals(0, setup.exit(), setup::toString);
        assertTrue(setup.out().contains(ParaCli.url() + "/github/install"), setup::toString);
    }
}
