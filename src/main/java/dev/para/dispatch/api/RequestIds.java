package dev.para.dispatch.api;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.jboss.logging.MDC;

/**
 * Gives every HTTP request an id: the caller's {@code X-Request-Id} when it looks like one (an
 * ingress or a load balancer may have set it), a new one otherwise. It is answered in
 * {@code X-Request-Id} and is the {@code requestId} field of every log line written while the request
 * is handled (Quarkus keeps MDC per request context), so an operator can go from a client's failed
 * call to the service's log. Work that goes on after the answer runs on contexts of its own, without it.
 */
@ApplicationScoped
public class RequestIds {

    public static final String HEADER = "X-Request-Id";
    public static final String MDC_KEY = "requestId";

    /** Ids from outside are copied into logs and answers: no spaces, quotes or line breaks, and short. */
    private static final Pattern PLAUSIBLE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    void register(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(this::assign);
    }

    void assign(RoutingContext ctx) {
        String given = ctx.request().getHeader(HEADER);
        String id = given != null && PLAUSIBLE.matcher(given).matches() ? given : newId();
        MDC.put(MDC_KEY, id);
        ctx.response().putHeader(HEADER, id);
        ctx.next();
    }

    /**
     * A random (version 4) UUID from the thread's own generator: an id to find a request by needs
     * no secrecy, so it takes none of {@code UUID.randomUUID()}'s lock on the shared SecureRandom.
     */
    static String newId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = random.nextLong() & ~0xF000L | 0x4000L;
        long low = random.nextLong() & ~0xC000_0000_0000_0000L | 0x8000_0000_0000_0000L;
        return new UUID(high, low).toString();
    }
}
