package dev.para.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.UUID;
import org.jboss.logging.MDC;
import org.junit.jupiter.api.Test;

class LogFieldsTest {

    @Test
    void theIdIsAFieldOnlyWhileTheBlockRuns() {
        UUID session = UUID.randomUUID();
        try (LogFields ignored = LogFields.session(session)) {
            assertEquals(session.toString(), MDC.get("sessionId"));
        }
        assertNull(MDC.get("sessionId"));
    }

    @Test
    void anInnerBlockGivesTheOuterIdBack() {
        try (LogFields outer = LogFields.delivery("outer")) {
            try (LogFields inner = LogFields.delivery("inner")) {
                assertEquals("inner", MDC.get("deliveryId"));
            }
            assertEquals("outer", MDC.get("deliveryId"));
        }
        assertNull(MDC.get("deliveryId"));
    }
}
