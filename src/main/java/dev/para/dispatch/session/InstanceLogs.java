package dev.para.dispatch.session;

import dev.para.dispatch.Redactor;
import dev.para.dispatch.api.ProblemException;
import dev.para.dispatch.api.ProblemType;
import dev.para.dispatch.kubernetes.SessionRuntime;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.Cancellable;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The logs of instances' agents: read line by line and redacted, and read for progress while a
 * session's event stream is open (a compact event per running instance, at most once a second).
 */
@ApplicationScoped
public class InstanceLogs {

    /** The most progress events one instance sends a stream in a second. */
    static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(1);

    private final SessionRuntime runtime;
    private final SessionService sessions;
    private final SessionStreams streams;

    InstanceLogs(SessionRuntime runtime, SessionService sessions, SessionStreams streams) {
        this.runtime = runtime;
        this.sessions = sessions;
        this.streams = streams;
    }

    /** The pod's log, line by line, redacted; read where it is subscribed to (fabric8 blocks: not an event loop). */
    public Multi<String> lines(String pod, boolean follow) {
        return Multi.createFrom().<String>emitter(emitter -> {
            try (var reader =
                    new BufferedReader(new InputStreamReader(runtime.log(pod, follow), StandardCharsets.UTF_8))) {
                Redactor.Lines redactor = new Redactor.Lines();
                String line;
                while (!emitter.isCancelled() && (line = reader.readLine()) != null) {
                    emitter.emit(redactor.redact(line));
                }
                emitter.complete();
            } catch (IOException | RuntimeException e) {
                emitter.fail(new ProblemException(ProblemType.LOG_UNAVAILABLE, "The pod's log could not be read"));
            }
        });
    }

    /**
     * The session's state events, and between them the progress of each instance while it runs.
     * Progress follows the agent's log on the followers' pool, only while a follower is free: a
     * replica with none to spare sends the state events alone. Ends with the state events.
     *
     * @return items that are {@link SessionEventView} or {@link AgentProgress.Snapshot}
     */
    public Multi<Object> withProgress(String accountId, UUID sessionId, Multi<SessionEventView> states) {
        return Multi.createFrom().emitter(emitter -> {
            Map<Integer, Cancellable> followed = new ConcurrentHashMap<>();
            Object lock = new Object();
            Runnable stopAll = () -> followed.values().forEach(Cancellable::cancel);
            Cancellable reading = states.subscribe()
                    .with(
                            event -> {
                                synchronized (lock) {
                                    emitter.emit(event);
                                }
                                if (event.instance() == null) {
                                    return;
                                }
                                if (InstanceState.RUNNING.name().equals(event.state())) {
                                    followed.computeIfAbsent(
                                            event.instance(),
                                            n -> follow(accountId, sessionId, n, snapshot -> {
                                                synchronized (lock) {
                                                    emitter.emit(snapshot);
                                                }
                                            }));
                                } else if (isTerminal(event.state())) {
                                    Cancellable follower = followed.remove(event.instance());
                                    if (follower != null) {
                                        follower.cancel();
                                    }
                                }
                            },
                            failure -> {
                                stopAll.run();
                                emitter.fail(failure);
                            },
                            () -> {
                                stopAll.run();
                                emitter.complete();
                            });
            emitter.onTermination(() -> {
                reading.cancel();
                stopAll.run();
            });
        });
    }

    private Cancellable follow(
            String accountId, UUID sessionId, int instance, java.util.function.Consumer<AgentProgress.Snapshot> out) {
        AgentProgress progress = new AgentProgress(instance);
        Multi<AgentProgress.Snapshot> snapshots = Multi.createFrom()
                .item(() -> sessions.podOfBlocking(accountId, sessionId, instance))
                .onItem()
                .transformToMultiAndConcatenate(pod -> lines(pod, true))
                // Mutiny carries no null: lines that change nothing are dropped on the way.
                .map(line -> java.util.Optional.ofNullable(progress.accept(line)))
                .filter(java.util.Optional::isPresent)
                .map(java.util.Optional::get)
                .group()
                .intoLists()
                .every(PROGRESS_INTERVAL)
                .filter(list -> !list.isEmpty())
                .map(list -> list.get(list.size() - 1));
        return streams.followIfFree(snapshots)
                .map(multi -> multi.subscribe()
                        .with(
                                out,
                                e -> Log.debugf(
                                        "Progress of instance %d of session %s ended: %s",
                                        instance, sessionId, Redactor.describe(e))))
                .orElse(() -> {});
    }

    private static boolean isTerminal(String state) {
        try {
            return InstanceState.valueOf(state).isTerminal();
        } catch (IllegalArgumentException notAState) {
            return false;
        }
    }
}
