package dev.para.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The command line without a service: parsing, exit codes, messages, the stored login. */
class ParaTest {

    @TempDir
    Path home;

    @ParameterizedTest(name = "{0} → {1} minutes")
    @CsvSource({"30, 30", "30m, 30", "2h, 120", "1h30m, 90", "1H5M, 65"})
    void timeoutsAreMinutesOrDurations(String given, int minutes) {
        assertEquals(minutes, DispatchCommand.minutes(given));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"'', ", "30s, ", "h, ", "-5, ", "1.5h, "})
    void aTimeoutThatIsNoDurationIsAUsageError(String given) {
        CommandFailure failure = org.junit.jupiter.api.Assertions.assertThrows(
                CommandFailure.class, () -> DispatchCommand.minutes(given));
        assertEquals(ExitCode.USAGE, failure.exitCode());
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource({"2.50, 2.50", "$2.50, 2.50", "' $1 ', 1", "0.0001, 0.0001"})
    void budgetsAreAmountsInUsd(String given, String usd) {
        assertEquals(new java.math.BigDecimal(usd), DispatchCommand.usd(given));
    }

    @ParameterizedTest(name = "HTTP {0} → exit {1}")
    @CsvSource({"400, 2", "401, 3", "403, 3", "404, 4", "409, 2", "422, 2", "429, 5", "500, 5", "503, 5", "0, 5"})
    void exitCodesFollowTheAnswer(int status, int exit) {
        assertEquals(exit, ExitCode.ofStatus(status));
    }

    @Test
    void aProblemIsOneLineWithItsTitleDetailAndField() throws IOException {
        JsonNode problem = Api.JSON.readTree("{\"type\":\"https://para.dev/problems/validation\",\"title\":\"Invalid"
                + " request\",\"status\":422,\"detail\":\"The request is not valid\",\"errors\":[{\"field\":"
                + "\"instances\",\"message\":\"must be at most 10\"}]}");
        CommandFailure failure = CommandFailure.ofAnswer(422, "", problem);
        assertEquals("Invalid request: The request is not valid (instances: must be at most 10)", failure.getMessage());
        assertEquals(ExitCode.USAGE, failure.exitCode());

        CommandFailure expired =
                CommandFailure.ofAnswer(401, "", Api.JSON.readTree("{\"title\":\"Unauthorized\",\"status\":401}"));
        assertTrue(expired.getMessage().startsWith("Unauthorized; log in again: para login"), expired.getMessage());
        JsonNode saidTwice = Api.JSON.readTree("{\"title\":\"Invalid request\",\"detail\":\"instances: must be at"
                + " most 10\",\"errors\":[{\"field\":\"instances\",\"message\":\"must be at most 10\"}]}");
        assertEquals(
                "Invalid request: instances: must be at most 10",
                CommandFailure.ofAnswer(422, "", saidTwice).getMessage(),
                "what the detail says is not said again");
        assertEquals(ExitCode.AUTH, expired.exitCode());

        assertEquals(
                "HTTP 502: Bad Gateway",
                CommandFailure.ofAnswer(502, "Bad Gateway\n<html>", null).getMessage());
    }

    @Test
    void withoutALoginCommandsSayHowToLogIn() {
        TestEnv t = new TestEnv(home);
        assertEquals(ExitCode.AUTH, t.run("sessions"));
        assertTrue(t.err().contains("not logged in: para login --url URL --token-file FILE"), t.err());
    }

    @Test
    void badCommandLinesAreUsageErrorsThatChangeNothing() {
        TestEnv t = new TestEnv(home);
        t.variables.put("PARA_URL", "http://127.0.0.1:9"); // nothing listens: a request would be exit 5
        t.variables.put("PARA_TOKEN", "t");
        assertEquals(ExitCode.USAGE, t.run("dispatch", "do it"), "no --repo");
        assertEquals(ExitCode.USAGE, t.run("dispatch", "--repo", "o/r"), "no prompt");
        assertEquals(ExitCode.USAGE, t.run("dispatch", "do it", "--repo", "o/r", "--prompt-file", "p.md"), "both");
        assertEquals(ExitCode.USAGE, t.run("dispatch", "do it", "--repo", "o/r", "--timeout", "soon"));
        assertEquals(ExitCode.USAGE, t.run("show", "not-a-session"));
        assertEquals(ExitCode.USAGE, t.run("dispatch", "do it", "--repo", "o/r", "--budget", "lots"));
        assertEquals(ExitCode.USAGE, t.run("frobnicate"));
        assertEquals(
                ExitCode.USAGE,
                t.run("credentials", "set", "k", "--kind", "anthropic-api-key", "--value", "sk"),
                "a secret is never an argument");
        assertEquals(ExitCode.SERVER, t.run("sessions"), "and a request to nowhere is a network failure");
        assertTrue(t.err().contains("cannot reach http://127.0.0.1:9"), t.err());
    }

    @Test
    void theLoginIsStoredForItsOwnerOnlyAndTheEnvironmentWins() throws IOException {
        Env env = new TestEnv(home).env();
        new Login("https://para.example.com", "secret-token").store(env);
        Path file = home.resolve(".config/para/config");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
        assertEquals(new Login("https://para.example.com", "secret-token"), Login.read(env));

        TestEnv overridden = new TestEnv(home);
        overridden.variables.put("PARA_URL", "http://localhost:8080/");
        assertEquals(new Login("http://localhost:8080", "secret-token"), Login.read(overridden.env()));

        TestEnv logout = new TestEnv(home);
        assertEquals(ExitCode.OK, logout.run("logout"));
        assertFalse(Files.exists(file));
        assertEquals(ExitCode.OK, logout.run("logout"), "twice is fine");
        assertTrue(logout.out().endsWith("Not logged in\n"), logout.out());
    }

    @Test
    void followLinesSayStateTurnsCostAndWhatCameOfIt() {
        InstanceLine lines = new InstanceLine(true, false, java.time.Clock.systemUTC());
        InstanceLine.Row row = new InstanceLine.Row(2);
        row.state = "RUNNING";
        row.turns = 4;
        row.cost = "$0.0120";
        row.last = "Reading the changelog\nand more";
        assertEquals("#2 RUNNING    turns 4 $0.0120  Reading the changelog", lines.render(row, false, 0));
        row.state = "FAILED";
        row.reason = "the agent did nothing";
        assertEquals("#2 FAILED     turns 4 $0.0120  the agent did nothing", lines.render(row, false, 0));
        row.state = "SUCCEEDED";
        row.prUrl = "https://github.com/o/r/pull/7";
        assertEquals("#2 SUCCEEDED  turns 4 $0.0120  https://github.com/o/r/pull/7", lines.render(row, false, 0));
    }
}
