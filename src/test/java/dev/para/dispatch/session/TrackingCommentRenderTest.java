package dev.para.dispatch.session;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The tracking comment's text: the instance table, and the comparison once a best-of-N session ended. */
class TrackingCommentRenderTest {

    static final Instant T0 = Instant.parse("2026-12-05T10:00:00Z");

    static InstanceView instance(
            int index,
            InstanceState state,
            String reason,
            boolean pushed,
            String cost,
            Integer turns,
            Integer files,
            Integer plus,
            Integer minus,
            Boolean tests,
            String summary,
            int seconds) {
        return new InstanceView(
                index,
                state,
                reason,
                "para/fix-" + index,
                pushed ? "abc" + index : null,
                pushed,
                state == InstanceState.SUCCEEDED ? 0 : 4,
                cost == null ? null : new BigDecimal(cost),
                turns,
                files,
                plus,
                minus,
                tests,
                summary,
                pushed ? 10 + index : null,
                pushed ? "https://github.com/o/r/pull/" + (10 + index) : null,
                T0,
                T0.plusSeconds(seconds));
    }

    static SessionView session(SessionState state, List<InstanceView> instances) {
        return new SessionView(
                UUID.fromString("7c9e6679-7425-40de-944b-e07fc1f90ae7"),
                "fix_20261205-100000",
                "o/r",
                state,
                state == SessionState.FAILED ? "1 of 3 instance(s) failed" : null,
                "main",
                "main",
                null,
                "Fix it",
                instances.size(),
                "agent:1",
                60,
                null,
                null,
                null,
                new BigDecimal("0.75"),
                null,
                null,
                1,
                T0,
                T0,
                T0.plusSeconds(300),
                instances);
    }

    @Test
    void aFinishedBestOfNSessionIsComparedInstanceByInstance() {
        SessionView s = session(
                SessionState.FAILED,
                List.of(
                        instance(
                                1,
                                InstanceState.SUCCEEDED,
                                "pushed to para/fix-1",
                                true,
                                "0.30",
                                5,
                                2,
                                40,
                                3,
                                true,
                                "Fixed it <!-- hidden --> and tested it | well",
                                62),
                        instance(
                                2,
                                InstanceState.SUCCEEDED,
                                "pushed to para/fix-2",
                                true,
                                "0.45",
                                9,
                                7,
                                120,
                                60,
                                false,
                                null,
                                130),
                        instance(
                                3,
                                InstanceState.FAILED,
                                "agent failed: the agent did nothing",
                                false,
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                4)));
        String body = TrackingComment.render(s, Optional.of("https://para.example.com/api/v1/sessions/x"), "@para", T0);
        assertTrue(body.startsWith(TrackingComment.marker(s.id())), body);
        assertTrue(
                body.contains(
                        "| 1 | succeeded: pushed to para/fix-1 | 1m02s | 5 | $0.30 | `para/fix-1` | https://github.com/o/r/pull/11 |"),
                body);
        assertTrue(body.contains("**Total cost:** $0.75"), body);
        assertTrue(body.contains("[the session](https://para.example.com/api/v1/sessions/x)"), body);
        assertTrue(body.contains("#### Comparison"), body);
        assertTrue(
                body.contains("| 1 | 2 | +40/−3 | yes | $0.30 | 5 | 1m02s | https://github.com/o/r/pull/11 |"), body);
        assertTrue(
                body.contains("| 2 | 7 | +120/−60 | no | $0.45 | 9 | 2m10s | https://github.com/o/r/pull/12 |"), body);
        assertTrue(body.contains("**#1**, in its agent's words:\n> Fixed it"), body);
        assertFalse(body.contains("<!-- hidden -->"), "an agent's hidden text is removed");
        assertTrue(body.contains("**#2**: no summary from its agent"), body);
        assertTrue(body.contains("**#3** pushed nothing: agent failed: the agent did nothing"), body);
        assertTrue(body.contains("Pick one: `@para pick <n>`"), body);
    }

    @Test
    void aRunningSessionHasNoComparisonYet() {
        SessionView s = session(
                SessionState.RUNNING,
                List.of(
                        instance(1, InstanceState.RUNNING, null, false, null, null, null, null, null, null, null, 30),
                        instance(2, InstanceState.SUCCEEDED, null, true, "0.10", 3, 1, 1, 0, false, "Done", 20)));
        String body = TrackingComment.render(s, Optional.empty(), "@para", T0.plusSeconds(45));
        assertTrue(body.contains(": running (1 of 2 going)"), body);
        assertFalse(body.contains("Comparison"), body);
    }
}
