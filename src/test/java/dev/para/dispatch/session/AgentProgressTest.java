package dev.para.dispatch.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/** Progress read from Claude Code's stream-json events, as they come. */
class AgentProgressTest {

    @Test
    void turnsToolsTokensAndTheFinalCost() {
        AgentProgress progress = new AgentProgress(2);
        assertNull(progress.accept("para: cloned main at abc onto para/x-2"), "not an event");
        assertNull(progress.accept("{\"type\":\"system\",\"subtype\":\"init\"}"), "changes nothing");
        assertNull(progress.accept("{not json"));

        var first = progress.accept("{\"type\":\"assistant\",\"message\":{\"id\":\"m1\",\"content\":"
                + "[{\"type\":\"text\",\"text\":\"Reading\"},{\"type\":\"tool_use\",\"name\":\"Read\"}],"
                + "\"usage\":{\"output_tokens\":10}}}");
        assertEquals(new AgentProgress.Snapshot(2, 1, "Read", "Reading", 10, null), first);

        // The same message again (Claude Code may send a message in parts): no new turn.
        var again = progress.accept("{\"type\":\"assistant\",\"message\":{\"id\":\"m1\",\"content\":"
                + "[{\"type\":\"tool_use\",\"name\":\"Edit\"}],\"usage\":{\"output_tokens\":25}}}");
        assertEquals(new AgentProgress.Snapshot(2, 1, "Edit", "Reading", 25, null), again);

        var second = progress.accept("{\"type\":\"assistant\",\"message\":{\"id\":\"m2\",\"content\":"
                + "[{\"type\":\"text\",\"text\":\"Done\"}],\"usage\":{\"output_tokens\":5}}}");
        assertEquals(new AgentProgress.Snapshot(2, 2, "Edit", "Done", 30, null), second);

        var result = progress.accept(
                "{\"type\":\"result\",\"subtype\":\"success\",\"num_turns\":3," + "\"total_cost_usd\":0.421}");
        assertEquals(new AgentProgress.Snapshot(2, 3, "Edit", "Done", 30, new BigDecimal("0.421")), result);
    }
}
