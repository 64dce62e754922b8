package dev.para.dispatch.crypto;

import dev.para.dispatch.Hashes;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.NewCookie;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * The state of a flow that goes from a browser through GitHub and back (creating the App,
 * installing it), bound to that browser and good for one use. The state is a {@link SealedState}
 * naming a row of {@code browser_states}; the browser that starts the flow gets a random nonce in
 * an HttpOnly cookie, whose hash the row keeps; the flow completes only with that cookie, and
 * completing it deletes the row. So a state that leaks (a shared link, a log, a referrer) is of no
 * use to another browser, and none works twice.
 */
@ApplicationScoped
public class BrowserStates {

    /** A flow, its sealing purpose and its cookie. */
    public enum Flow {
        APP_MANIFEST("app-manifest-state", "para_app_manifest"),
        INSTALLATION_SETUP("setup-state", "para_setup"),
        GITHUB_IDENTITY("github-identity-state", "para_identity");

        final String purpose;
        final String cookie;

        Flow(String purpose, String cookie) {
            this.purpose = purpose;
            this.cookie = cookie;
        }
    }

    /** A state handed out, and until when it works. */
    public record Issued(String state, Instant expiresAt) {}

    /** A state bound to the browser that asked for it: send it the cookie along with the state. */
    public record Started(String state, NewCookie cookie, Instant expiresAt) {}

    private static final String INSERT =
            "INSERT INTO browser_states (state_id, purpose, cookie_hash, expires_at)" + " VALUES ($1, $2, $3, $4)";
    private static final String CLAIM = "UPDATE browser_states SET cookie_hash = $3"
            + " WHERE state_id = $1 AND purpose = $2 AND cookie_hash IS NULL AND expires_at > now()";
    private static final String CONSUME = "DELETE FROM browser_states"
            + " WHERE state_id = $1 AND purpose = $2 AND cookie_hash = $3 AND expires_at > now()";

    private final SealedState states;
    private final Pool pool;
    private final SecureRandom random = new SecureRandom();

    BrowserStates(SealedState states, Pool pool) {
        this.states = states;
        this.pool = pool;
    }

    /** A state for the browser asking now, with its cookie. */
    public Uni<Started> start(Flow flow, Duration lifetime, String... fields) {
        String nonce = nonce();
        return insert(flow, lifetime, hash(nonce), fields)
                .map(issued -> new Started(issued.state(), cookie(flow, nonce, lifetime), issued.expiresAt()));
    }

    /**
     * A state to hand out through another channel (an API answer); the first browser that brings
     * it to {@link #claim} is the one it is bound to.
     */
    public Uni<Issued> issue(Flow flow, Duration lifetime, String... fields) {
        return insert(flow, lifetime, null, fields);
    }

    /**
     * Binds an {@link #issue issued} state to the browser that brings it first: the cookie to send
     * it, kept by the browser for {@code lifetime}.
     */
    public Uni<NewCookie> claim(Flow flow, String state, int fields, Duration lifetime) {
        List<String> opened = states.open(state, flow.purpose, fields + 1);
        String nonce = nonce();
        return pool.preparedQuery(CLAIM)
                .execute(Tuple.of(opened.get(0), flow.purpose, Buffer.buffer(hash(nonce))))
                .map(rows -> {
                    if (rows.rowCount() != 1) {
                        throw new SealedState.Refused(SealedState.Refusal.USED);
                    }
                    return cookie(flow, nonce, lifetime);
                });
    }

    /**
     * The state's fields, when the browser's cookie is the one it is bound to; the state is spent.
     * {@link SealedState.Refused} otherwise ({@link SealedState.Refusal#USED}: spent already, or
     * started in another browser).
     */
    public Uni<List<String>> complete(Flow flow, String state, int fields, HttpHeaders headers) {
        List<String> opened = states.open(state, flow.purpose, fields + 1);
        Cookie cookie = headers == null ? null : headers.getCookies().get(flow.cookie);
        if (cookie == null || cookie.getValue() == null || cookie.getValue().isEmpty()) {
            return Uni.createFrom().failure(new SealedState.Refused(SealedState.Refusal.USED));
        }
        return pool.preparedQuery(CONSUME)
                .execute(Tuple.of(opened.get(0), flow.purpose, Buffer.buffer(hash(cookie.getValue()))))
                .map(rows -> {
                    if (rows.rowCount() != 1) {
                        throw new SealedState.Refused(SealedState.Refusal.USED);
                    }
                    return opened.subList(1, opened.size());
                });
    }

    /**
     * The work on a state, a refused state answered as a 400 problem on {@code state}, which says
     * where to start again ({@code startAgain}, e.g. "GET /api/v1/me/github").
     */
    public static <T> Uni<T> refusedAsProblem(java.util.function.Supplier<Uni<? extends T>> work, String startAgain) {
        return Uni.createFrom()
                .<T>deferred(work)
                .onFailure(SealedState.Refused.class)
                .transform(e -> dev.para.dispatch.api.ProblemException.badRequest(
                        "state",
                        switch (((SealedState.Refused) e).refusal()) {
                            case MISSING -> "is required; start from " + startAgain;
                            case FOREIGN -> "was not issued by this service";
                            case EXPIRED -> "has expired; start again from " + startAgain;
                            case USED ->
                                "was used already, or the flow was started in another browser; start again from "
                                        + startAgain;
                        }));
    }

    /**
     * Sends the browser on (to GitHub) with the cookie that binds the state to it: never cached,
     * and the address (which carries the state) passed on to nobody.
     */
    public static jakarta.ws.rs.core.Response redirect(java.net.URI location, NewCookie cookie) {
        return jakarta.ws.rs.core.Response.seeOther(location)
                .cookie(cookie)
                .header("Cache-Control", "no-store")
                .header("Referrer-Policy", "no-referrer")
                .build();
    }

    /** The cookie that ends the flow in the browser (sent with the completing answer). */
    public static NewCookie spent(Flow flow) {
        return cookie(flow, "", Duration.ZERO);
    }

    private Uni<Issued> insert(Flow flow, Duration lifetime, byte[] cookieHash, String... fields) {
        String id = UUID.randomUUID().toString();
        String[] all = new String[fields.length + 1];
        all[0] = id;
        System.arraycopy(fields, 0, all, 1, fields.length);
        SealedState.Issued sealed = states.issue(flow.purpose, lifetime, all);
        return pool.preparedQuery(INSERT)
                .execute(Tuple.of(
                        id,
                        flow.purpose,
                        cookieHash == null ? null : Buffer.buffer(cookieHash),
                        OffsetDateTime.ofInstant(sealed.expiresAt(), ZoneOffset.UTC)))
                .replaceWith(new Issued(sealed.value(), sealed.expiresAt()));
    }

    private static NewCookie cookie(Flow flow, String value, Duration lifetime) {
        return new NewCookie.Builder(flow.cookie)
                .value(value)
                .path("/github")
                .maxAge((int) lifetime.toSeconds())
                .httpOnly(true)
                .secure(true)
                .sameSite(NewCookie.SameSite.LAX)
                .build();
    }

    private String nonce() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static byte[] hash(String nonce) {
        return Hashes.sha256(nonce);
    }
}
