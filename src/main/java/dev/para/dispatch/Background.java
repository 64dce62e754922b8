package dev.para.dispatch;

import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import java.util.function.Supplier;

/**
 * Work started after an answer or a commit, each on a Vert.x context of its own: Hibernate
 * Reactive keeps one session per context, so two pieces of work sharing the caller's context
 * would share (and break) one session.
 */
public final class Background {

    private Background() {}

    /** Runs the work; a failure is logged with {@code what} (never the exception message). */
    public static void run(String what, Supplier<Uni<?>> work) {
        Contexts.newContext()
                .runOnContext(ignored -> work.get()
                        .subscribe()
                        .with(
                                done -> {},
                                e -> Log.warnf("%s failed (%s); it is retried later", what, Redactor.describe(e))));
    }
}
