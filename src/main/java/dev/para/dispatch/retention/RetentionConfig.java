package dev.para.dispatch.retention;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * How long the rows that would otherwise grow forever are kept. Webhook deliveries have theirs
 * under {@code para.github.webhook.retention}.
 */
@ConfigMapping(prefix = "para.retention")
public interface RetentionConfig {

    /** The live events of a session (its SSE stream), kept this long after the session ended. */
    @WithDefault("30d")
    Duration sessionEvents();

    /** An ended session with its instances, kept this long after it ended. */
    @WithDefault("180d")
    Duration sessions();

    /** Audit events: who did what, when. */
    @WithDefault("365d")
    Duration auditEvents();

    /** Stored installation tokens, kept this long after they expired (they are useless by then). */
    @WithDefault("1h")
    Duration expiredTokens();

    /** How often the purge runs (on one replica: the holder of the {@code retention} lease). */
    @WithDefault("1h")
    Duration interval();

    /** Rows one statement deletes at most, so that no purge holds long locks or a long transaction. */
    @WithDefault("10000")
    int batchSize();
}
