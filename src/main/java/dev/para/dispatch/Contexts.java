package dev.para.dispatch;

import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

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
        return caller == null
                ? work
                : work.emitOn(command -> {
                    if (Vertx.currentContext() == caller) {
                        command.run();
                    } else {
                        caller.runOnContext(ignored -> command.run());
                    }
                });
    }

    /**
     * Runs the work on a new Vert.x context of its own (so with a Hibernate Reactive session of its
     * own), and delivers its outcome back on the caller's context: for work done side by side.
     */
    public static <T> Uni<T> onOwnContext(Supplier<Uni<T>> work) {
        Context own = newContext();
        return onCallersContext(Uni.createFrom()
                .<T>emitter(emitter ->
                        own.runOnContext(ignored -> work.get().subscribe().with(emitter::complete, emitter::fail))));
    }

    /** A new duplicated context, safe for Hibernate Reactive, on the current Vert.x (or Quarkus'). */
    static Context newContext() {
        Vertx vertx = Vertx.currentContext() != null
                ? Vertx.currentContext().owner()
                : io.quarkus.vertx.core.runtime.VertxCoreRecorder.getVertx().get();
        Context context = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
        VertxContextSafetyToggle.setContextSafe(context, true);
        return context;
    }

    /** A future shared with others, awaited on the caller's context. */
    public static <T> Uni<T> onCallersContext(CompletionStage<T> shared) {
        return onCallersContext(Uni.createFrom().completionStage(shared));
    }
}
