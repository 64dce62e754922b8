package dev.para.dispatch;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.concurrent.CompletionStage;

/**
 * Keeps reactive work on the Vert.x context of the one who asked for it. A future completes on the
 * thread and context of whoever completed it: an HTTP client's own threads, or another request that
 * made the shared call (a single-flight token mint, a cached image check). Hibernate Reactive keeps
 * one database session per context, so a request carrying on on another request's context would
 * run its queries in that request's session and transaction.
 */
public final class Contexts {

    private Contexts() {}

    /** The work, its item and failure delivered on the caller's context (as it is when this is called). */
    public static <T> Uni<T> onCallersContext(Uni<T> work) {
        Context caller = Vertx.currentContext();
        return caller == null ? work : work.emitOn(command -> {
            if (Vertx.currentContext() == caller) {
                command.run();
            } else {
                caller.runOnContext(ignored -> command.run());
            }
        });
    }

    /** A future shared with others, awaited on the caller's context. */
    public static <T> Uni<T> onCallersContext(CompletionStage<T> shared) {
        return onCallersContext(Uni.createFrom().completionStage(shared));
    }
}
