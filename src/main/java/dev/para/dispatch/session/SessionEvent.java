package dev.para.dispatch.session;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * A state change of a session ({@code instance} null) or of one of its instances. Written in the
 * transaction of the change; a trigger NOTIFYs every replica, which then streams it to subscribers.
 */
@Entity
@Table(name = "session_events")
public class SessionEvent extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "session_id", nullable = false)
    public UUID sessionId;

    public Integer instance;

    @Column(nullable = false)
    public String state;

    public String reason;

    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> detail;

    @Column(name = "occurred_at", nullable = false)
    public Instant occurredAt;

    /** The session's events after the given id, oldest first. */
    public static Uni<List<SessionEvent>> after(UUID sessionId, long afterId, int limit) {
        return find("sessionId = ?1 and id > ?2", Sort.by("id"), sessionId, afterId)
                .page(0, limit)
                .list();
    }
}
