package dev.para.dispatch;

import java.util.UUID;
import org.jboss.logging.MDC;

/**
 * The id a log line is about, as an MDC field while a block runs, so that JSON logs carry it as a
 * field of its own ({@code "mdc":{"sessionId":…}}) and a log pipeline can follow one session or
 * one delivery:
 * <pre>try (LogFields ignored = LogFields.session(id)) { Log.warnf(…); }</pre>
 * Only around log statements: reactive work hops threads and contexts, so an id put at the start of
 * a chain would not stay with it, and one left behind would label someone else's lines.
 */
public final class LogFields implements AutoCloseable {

    private final String key;
    private final Object previous;

    private LogFields(String key, String value) {
        this.key = key;
        this.previous = MDC.get(key);
        MDC.put(key, value);
    }

    public static LogFields session(UUID sessionId) {
        return new LogFields("sessionId", String.valueOf(sessionId));
    }

    public static LogFields delivery(String deliveryId) {
        return new LogFields("deliveryId", deliveryId);
    }

    @Override
    public void close() {
        if (previous == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, previous);
        }
    }
}
