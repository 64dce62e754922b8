package dev.para.dispatch.session;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.hibernate.annotations.DynamicUpdate;

/** One run of a session's prompt: one pod of its Indexed Job (completion index = index - 1). */
@Entity
@Table(name = "session_instances")
@IdClass(SessionInstance.Key.class)
@DynamicUpdate
public class SessionInstance extends PanacheEntityBase {

    /** The composite primary key. */
    public static class Key implements Serializable {
        public UUID sessionId;
        public Integer index;

        public Key() {}

        public Key(UUID sessionId, int index) {
            this.sessionId = sessionId;
            this.index = index;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(sessionId, k.sessionId) && Objects.equals(index, k.index);
        }

        @Override
        public int hashCode() {
            return Objects.hash(sessionId, index);
        }
    }

    @Id
    @Column(name = "session_id")
    public UUID sessionId;

    /** 1..N. */
    @Id
    @Column(name = "index")
    public Integer index;

    @Column(nullable = false)
    public String branch;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public InstanceState state;

    public String reason;

    @Column(name = "pod_name")
    public String podName;

    @Column(name = "exit_code")
    public Integer exitCode;

    @Column(name = "head_commit")
    public String headCommit;

    public Boolean pushed;

    @Column(name = "cost_usd")
    public BigDecimal costUsd;

    public Integer turns;

    /** What its pushed commits change (files, lines added and removed, whether tests changed). */
    @Column(name = "files_changed")
    public Integer filesChanged;

    public Integer insertions;

    public Integer deletions;

    @Column(name = "tests_changed")
    public Boolean testsChanged;

    /** The agent's own one-paragraph summary of what it did: its words, untrusted. */
    public String summary;

    @Column(name = "pr_number")
    public Integer prNumber;

    @Column(name = "pr_url")
    public String prUrl;

    @Column(name = "publish_claimed_until")
    public Instant publishClaimedUntil;

    @Column(name = "started_at")
    public Instant startedAt;

    @Column(name = "finished_at")
    public Instant finishedAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    public static Uni<List<SessionInstance>> forSession(UUID sessionId) {
        return list("sessionId", Sort.by("index"), sessionId);
    }

    public static Uni<List<SessionInstance>> forSessions(Collection<UUID> sessionIds) {
        return sessionIds.isEmpty()
                ? Uni.createFrom().item(List.of())
                : list("sessionId in ?1", Sort.by("sessionId").and("index"), sessionIds);
    }

    public static Uni<SessionInstance> find(UUID sessionId, int index) {
        return findById(new Key(sessionId, index));
    }
}
