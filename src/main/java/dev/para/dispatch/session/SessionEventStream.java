package dev.para.dispatch.session;

import dev.para.dispatch.Redactor;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.pubsub.PgSubscriber;
import io.vertx.pgclient.PgConnectOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Live events of sessions, on any replica: every state change is a row of session_events whose
 * insert NOTIFYs the {@code session_events} channel. Each replica LISTENs on one connection and
 * wakes the streams of that session, which read the new rows. A periodic tick reads too, so a
 * notification lost while the connection was re-established only delays an event.
 */
@ApplicationScoped
public class SessionEventStream {

    private static final Duration TICK = Duration.ofSeconds(15);
    private static final int BATCH = 500;

    private final Vertx vertx;
    private final SessionRepository sessions;
    private final String url;
    private final Optional<String> user;
    private final Optional<String> password;
    private final BroadcastProcessor<UUID> notified = BroadcastProcessor.create();
    private PgSubscriber subscriber;

    SessionEventStream(
            Vertx vertx,
            SessionRepository sessions,
            @ConfigProperty(name = "quarkus.datasource.reactive.url") String url,
            @ConfigProperty(name = "quarkus.datasource.username") Optional<String> user,
            @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password) {
        this.vertx = vertx;
        this.sessions = sessions;
        this.url = url;
        this.user = user;
        this.password = password;
    }

    void start(@Observes StartupEvent start) {
        PgConnectOptions options = PgConnectOptions.fromUri(url.replaceFirst("^vertx-reactive:", ""));
        user.ifPresent(options::setUser);
        password.ifPresent(options::setPassword);
        subscriber = PgSubscriber.subscriber(vertx, options).reconnectPolicy(retries -> 1000L);
        subscriber.channel("session_events").handler(payload -> {
            int colon = payload.indexOf(':');
            try {
                notified.onNext(UUID.fromString(colon < 0 ? payload : payload.substring(0, colon)));
            } catch (IllegalArgumentException e) {
                Log.debugf("Ignoring a malformed session_events notification");
            }
        });
        subscriber
                .connect()
                .subscribe()
                .with(
                        ok -> Log.debug("Listening for session events"),
                        e -> Log.warnf(
                                "Could not LISTEN for session events (%s); streams fall back to polling",
                                Redactor.describe(e)));
    }

    void stop(@Observes ShutdownEvent stop) {
        if (subscriber != null) {
            subscriber.close().subscribe().with(ok -> {}, e -> {});
        }
    }

    /**
     * The session's events after {@code afterId}, then live ones as they happen; completes after
     * the event that ends the session.
     */
    public Multi<SessionEventView> stream(UUID sessionId, long afterId) {
        AtomicLong last = new AtomicLong(afterId);
        Multi<UUID> wakeUps = Multi.createBy()
                .merging()
                .streams(
                        Multi.createFrom().item(sessionId),
                        notified.filter(sessionId::equals),
                        Multi.createFrom().ticks().every(TICK).map(tick -> sessionId));
        return Multi.createFrom().emitter(emitter -> {
            var reads = wakeUps.onItem()
                    .transformToUni(wake -> read(sessionId, last))
                    .concatenate()
                    .subscribe()
                    .with(
                            events -> {
                                for (SessionEventView e : events) {
                                    emitter.emit(e);
                                    if (endsSession(e)) {
                                        emitter.complete();
                                        return;
                                    }
                                }
                            },
                            emitter::fail);
            emitter.onTermination(reads::cancel);
        });
    }

    /** Reads with the plain client: wake-ups arrive on threads that carry no Hibernate session. */
    private Uni<List<SessionEventView>> read(UUID sessionId, AtomicLong last) {
        return sessions.eventsAfter(sessionId, last.get(), BATCH).invoke(events -> {
            if (!events.isEmpty()) {
                last.set(events.get(events.size() - 1).id());
            }
        });
    }

    private static boolean endsSession(SessionEventView e) {
        if (e.instance() != null) {
            return false;
        }
        try {
            return SessionState.valueOf(e.state()).isTerminal();
        } catch (IllegalArgumentException notAState) {
            return false;
        }
    }
}
