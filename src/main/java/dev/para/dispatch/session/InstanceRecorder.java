package dev.para.dispatch.session;

import dev.para.dispatch.Redactor;
import dev.para.dispatch.kubernetes.InstanceObservation;
import dev.para.dispatch.kubernetes.InstanceObserver;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Turns what the tracker sees into instance states, ends sessions whose instances have all
 * ended, and hands pushed branches to the publisher. Each change locks its session's row, so
 * replicas that see the same change record it once.
 */
@ApplicationScoped
public class InstanceRecorder implements InstanceObserver {

    private final SessionTransitions transitions;
    private final PullRequestPublisher publisher;
    private final SessionLauncher launcher;
    private final SessionConfig config;
    private final SessionRepository sessions;
    private final Clock clock;

    InstanceRecorder(
            SessionTransitions transitions,
            PullRequestPublisher publisher,
            SessionLauncher launcher,
            SessionConfig config,
            SessionRepository sessions,
            Clock clock) {
        this.transitions = transitions;
        this.publisher = publisher;
        this.launcher = launcher;
        this.config = config;
        this.sessions = sessions;
        this.clock = clock;
    }

    @Override
    public Uni<Void> observed(InstanceObservation o) {
        return Panache.withTransaction(() -> Session.lock(o.sessionId())
                        .flatMap(s -> s == null
                                ? Uni.createFrom().item(After.NOTHING)
                                : SessionInstance.find(s.id, o.index())
                                        .flatMap(i ->
                                                i == null ? Uni.createFrom().item(After.NOTHING) : apply(s, i, o))))
                .invoke(after -> {
                    if (after.publish()) {
                        publisher.publishSoon(o.sessionId(), o.index());
                    }
                    if (after.releaseToken()) {
                        launcher.releaseTokenSoon(o.sessionId());
                    }
                })
                .replaceWithVoid();
    }

    @Override
    public Uni<Void> jobEnded(UUID sessionId, String reason) {
        return Panache.withTransaction(() -> Session.lock(sessionId)
                        .flatMap(s -> s == null || s.state.isTerminal()
                                ? Uni.createFrom().item(false)
                                : SessionInstance.forSession(s.id)
                                        .call(instances ->
                                                transitions.instances(s, instances, InstanceState.FAILED, reason))
                                        .flatMap(instances -> settle(s, instances))))
                .invoke(ended -> {
                    if (ended) {
                        launcher.releaseTokenSoon(sessionId);
                    }
                })
                .replaceWithVoid();
    }

    /** What to do once the transaction that recorded a change has committed. */
    record After(boolean publish, boolean releaseToken) {
        static final After NOTHING = new After(false, false);
    }

    /** Fails instances whose pod has waited longer than the pending timeout (unschedulable, stuck). */
    @Scheduled(every = "1m", delayed = "30s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> failLongPending() {
        Instant limit = clock.instant().minus(config.pendingTimeout());
        return sessions.runningWithPendingInstances(limit)
                .flatMap(ids -> Multi.createFrom()
                        .iterable(ids)
                        .onItem()
                        .transformToUniAndConcatenate(id -> Panache.withTransaction(() -> Session.lock(id)
                                .flatMap(locked -> SessionInstance.forSession(locked.id)
                                        .flatMap(instances -> failPending(locked, instances)))))
                        .collect()
                        .last())
                .onFailure()
                .invoke(e -> Log.warnf("Pending check failed: %s", Redactor.describe(e)))
                .onFailure()
                .recoverWithNull()
                .replaceWithVoid();
    }

    private Uni<Void> failPending(Session s, List<SessionInstance> instances) {
        List<SessionInstance> stuck =
                instances.stream().filter(i -> i.state == InstanceState.PENDING).toList();
        if (stuck.isEmpty() || s.state.isTerminal()) {
            return Uni.createFrom().voidItem();
        }
        // Each with its own last waiting reason: one at a time, as the Hibernate session wants.
        return Multi.createFrom()
                .iterable(stuck)
                .onItem()
                .transformToUniAndConcatenate(i -> transitions.instance(
                        s,
                        i,
                        InstanceState.FAILED,
                        "pending for more than " + config.pendingTimeout().toMinutes() + " min"
                                + (i.reason != null ? " (" + i.reason + ")" : ""),
                        null))
                .collect()
                .last()
                .flatMap(ignored -> settle(s, instances))
                .replaceWithVoid();
    }

    /** Records the observation; says whether a PR is due and whether the session just ended. */
    private Uni<After> apply(Session s, SessionInstance i, InstanceObservation o) {
        if (i.state.isTerminal()) {
            return keepPushedWork(s, i, o);
        }
        InstanceState target = switch (o.phase()) {
            case PENDING -> InstanceState.PENDING;
            case RUNNING -> InstanceState.RUNNING;
            case SUCCEEDED -> InstanceState.SUCCEEDED;
            case FAILED -> InstanceState.FAILED;
            case TIMED_OUT -> InstanceState.TIMED_OUT;
            case BUDGET_EXCEEDED -> InstanceState.BUDGET_EXCEEDED;
        };
        i.podName = o.podName();
        Map<String, Object> detail = null;
        if (target.isTerminal()) {
            i.exitCode = o.exitCode();
            detail = new LinkedHashMap<>();
            if (o.exitCode() != null) {
                detail.put("exitCode", o.exitCode());
            }
            if (o.message() != null) {
                i.headCommit = o.message().head();
                i.pushed = o.message().pushed();
                i.costUsd = o.message().cost();
                i.turns = o.message().turns();
                i.filesChanged = o.message().files();
                i.insertions = o.message().insertions();
                i.deletions = o.message().deletions();
                i.testsChanged = o.message().tests();
                i.summary = o.message().summary();
                putIfSet(detail, "headCommit", i.headCommit);
                putIfSet(detail, "pushed", i.pushed);
                putIfSet(detail, "wip", o.message().wip());
                putIfSet(detail, "costUsd", i.costUsd);
                putIfSet(detail, "turns", i.turns);
            }
        }
        return transitions
                .instance(s, i, target, o.reason(), detail)
                .flatMap(changed -> !changed || !target.isTerminal()
                        ? Uni.createFrom().item(After.NOTHING)
                        : SessionInstance.forSession(s.id)
                                .flatMap(instances -> settle(s, instances))
                                .map(ended -> new After(
                                        target == InstanceState.SUCCEEDED && Boolean.TRUE.equals(i.pushed),
                                        ended && !s.stopPending)));
    }

    /**
     * A cancelled instance's pod still pushes what its agent left (as work in progress) while it
     * stops: the branch is recorded, so the session can be recovered from it.
     */
    private Uni<After> keepPushedWork(Session s, SessionInstance i, InstanceObservation o) {
        if (i.state != InstanceState.CANCELLED
                || i.pushed != null
                || o.message() == null
                || !Boolean.TRUE.equals(o.message().pushed())) {
            return Uni.createFrom().item(After.NOTHING);
        }
        i.pushed = true;
        i.headCommit = o.message().head();
        i.costUsd = o.message().cost();
        i.turns = o.message().turns();
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("pushed", true);
        putIfSet(detail, "headCommit", i.headCommit);
        detail.put("wip", true);
        return transitions
                .note(s, i.index, "WORK_KEPT", "its work was pushed as WIP to " + i.branch, detail)
                .replaceWith(After.NOTHING);
    }

    /**
     * Ends the session when every instance has. When an instance was failed by us rather than by
     * its pod's exit (an image that cannot be pulled, a pod pending too long), that pod may still
     * be there, waiting forever: the session's Job is stopped.
     */
    private Uni<Boolean> settle(Session s, List<SessionInstance> instances) {
        return transitions.settle(s, instances).invoke(ended -> {
            if (ended && instances.stream().anyMatch(i -> i.state.isFailure() && i.exitCode == null)) {
                s.stopPending = true;
            }
        });
    }

    private static void putIfSet(Map<String, Object> detail, String key, Object value) {
        if (value != null) {
            detail.put(key, value);
        }
    }
}
