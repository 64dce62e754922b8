package dev.para.dispatch.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The comment grammar, case by case: commands, flags, prompts, and what is said back instead. */
class CommentCommandTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "status          | Status",
                "STOP            | Stop",
                "  help          | Help",
                "pick 2          | Pick[instance=2]",
                "Retry 10        | Retry[instance=10]",
            })
    void commandWordsAreCommands(String text, String parsed) {
        assertEquals(
                parsed,
                CommentCommand.parse(text, 10).toString().replace("()", "").replace("[]", ""));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "Fix the flaky test                                     | ,,,,Fix the flaky test",
                "-n 3 Fix it                                            | 3,,,,Fix it",
                "--instances=2 --model sonnet --max-turns 40 Fix it     | 2,sonnet,40,,Fix it",
                "--budget $2.50 -n 4 Fix it                             | 4,,,2.50,Fix it",
                "--budget=0.75 Fix it                                   | ,,,0.75,Fix it",
                "-- stop the flaky test                                 | ,,,,stop the flaky test",
                "-n 2 -- -v is too verbose                              | 2,,,,-v is too verbose",
                "stopwatch is wrong                                     | ,,,,stopwatch is wrong",
            })
    void anythingElseStartsASession(String text, String expected) {
        String[] e = expected.split(",", -1);
        CommentCommand.Start start = assertInstanceOf(CommentCommand.Start.class, CommentCommand.parse(text, 10));
        assertEquals(e[0].isEmpty() ? null : Integer.valueOf(e[0]), start.instances());
        assertEquals(e[1].isEmpty() ? null : e[1], start.model());
        assertEquals(e[2].isEmpty() ? null : Integer.valueOf(e[2]), start.maxTurns());
        assertEquals(e[3].isEmpty() ? null : new BigDecimal(e[3]), start.budgetUsd());
        assertEquals(e[4], start.prompt());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "",
                "status please",
                "stop the build",
                "pick",
                "pick two",
                "pick 0",
                "retry -1",
                "--verbose Fix it",
                "-x Fix it",
                "-n 11 Fix it",
                "-n 0 Fix it",
                "-n three Fix it",
                "--model Fix",
                "--model bad/model Fix it",
                "--max-turns 0 Fix it",
                "--budget lots Fix it",
                "--budget $0 Fix it",
                "-n 2",
                "-n",
            })
    void anythingNotUnderstoodIsSaidBackAndStartsNothing(String text) {
        CommentCommand parsed = CommentCommand.parse(text, 10);
        CommentCommand.NotUnderstood refused = assertInstanceOf(CommentCommand.NotUnderstood.class, parsed, text);
        assertTrue(!refused.why().isBlank(), text);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"status", "stop", "help", "pick 1", "retry 1"})
    void noCommandWordIsEverAPrompt(String text) {
        assertTrue(!(CommentCommand.parse(text, 10) instanceof CommentCommand.Start), text);
    }
}
