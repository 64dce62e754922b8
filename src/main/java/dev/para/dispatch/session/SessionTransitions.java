package dev.para.dispatch.session;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The one place state changes: each change of a session or an instance is stored with an event
 * (which wakes the live streams of every replica) and counted. Call inside a transaction.
 */
@ApplicationScoped
public class SessionTransitions {

    private final Clock clock;
    private final SessionMetrics metrics;

    SessionTransitions(Clock clock, SessionMetrics metrics) {
        this.clock = clock;
        this.metrics = metrics;
    }

    /** Records the birth of a new session (QUEUED). */
    public Uni<Void> created(Session s) {
        count("session", SessionState.QUEUED);
        return event(s, null, SessionState.QUEUED.name(), null, null);
    }

    /** Moves the session to {@code state}; a session that has ended stays as it is. */
    public Uni<Boolean> session(Session s, SessionState state, String reason) {
        if (s.state.isTerminal() || (s.state == state && java.util.Objects.equals(s.reason, reason))) {
            return Uni.createFrom().item(false);
        }
        Instant now = clock.instant();
        s.state = state;
        s.reason = reason;
        s.updatedAt = now;
        if (state.isTerminal()) {
            s.finishedAt = now;
            s.launchClaimedUntil = null;
            metrics.ended(state, Duration.between(s.createdAt, now));
        }
        count("session", state);
        return event(s, null, state.name(), reason, null).replaceWith(true);
    }

    /**
     * Moves an instance forward to {@code state}; never backwards, never out of an end. The detail
     * (for example the pod's termination message) goes with the event.
     */
    public Uni<Boolean> instance(
            Session s, SessionInstance i, InstanceState state, String reason, Map<String, Object> detail) {
        if (i.state.isTerminal()
                || !(state.isAfter(i.state) || (state == i.state && reason != null && !reason.equals(i.reason)))) {
            return Uni.createFrom().item(false);
        }
        Instant now = clock.instant();
        i.state = state;
        i.reason = reason;
        i.updatedAt = now;
        if (state == InstanceState.RUNNING && i.startedAt == null) {
            i.startedAt = now;
        }
        if (state.isTerminal()) {
            i.finishedAt = now;
            if (i.costUsd != null) {
                metrics.cost(state, i.costUsd);
            }
        }
        count("instance", state);
        return event(s, i.index, state.name(), reason, detail).replaceWith(true);
    }

    /** Moves each of the instances to {@code state}, one after another (one Hibernate session, one at a time). */
    public Uni<Void> instances(Session s, List<SessionInstance> instances, InstanceState state, String reason) {
        return Multi.createFrom()
                .iterable(instances)
                .onItem()
                .transformToUniAndConcatenate(i -> instance(s, i, state, reason, null))
                .collect()
                .last()
                .replaceWithVoid();
    }

    /** Ends the session once every instance has ended: succeeded if all did, otherwise failed. */
    public Uni<Boolean> settle(Session s, List<SessionInstance> instances) {
        if (s.state.isTerminal() || instances.isEmpty() || !instances.stream().allMatch(i -> i.state.isTerminal())) {
            return Uni.createFrom().item(false);
        }
        long failed = instances.stream().filter(i -> i.state.isFailure()).count();
        boolean cancelled = instances.stream().allMatch(i -> i.state == InstanceState.CANCELLED);
        if (cancelled) {
            return session(s, SessionState.CANCELLED, "cancelled");
        }
        return failed == 0
                ? session(s, SessionState.SUCCEEDED, null)
                : session(s, SessionState.FAILED, failed + " of " + instances.size() + " instance(s) failed");
    }

    /** Something subscribers should hear that changes no state, such as a pull request opened. */
    public Uni<Void> note(Session s, Integer instance, String what, String reason, Map<String, Object> detail) {
        return event(s, instance, what, reason, detail);
    }

    /** The session's tracking comment (it has one when it has an issue) shows less than there is since now. */
    void trackingDue(Session s) {
        if (s.triggerIssue != null) {
            s.trackingDueAt = clock.instant();
        }
    }

    private Uni<Void> event(Session s, Integer instance, String state, String reason, Map<String, Object> detail) {
        trackingDue(s);
        SessionEvent e = new SessionEvent();
        e.sessionId = s.id;
        e.instance = instance;
        e.state = state;
        e.reason = reason;
        e.detail = detail;
        e.occurredAt = clock.instant();
        return e.persist().replaceWithVoid();
    }

    private void count(String kind, Enum<?> state) {
        metrics.transition(kind, state);
    }
}
