package dev.para.dispatch.crypto;

import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * Short-lived state handed to a browser and back through GitHub (an OAuth-style {@code state}):
 * its fields and expiry sealed for one purpose, so nothing is stored, and a missing, foreign or
 * stale state is refused.
 */
@Singleton
public class SealedState {

    /** Why a state was refused; callers say so in their own words. */
    public enum Refusal {
        MISSING,
        FOREIGN,
        EXPIRED,
        /** Bound to a browser ({@link BrowserStates}): used already, or brought by another browser. */
        USED
    }

    /** A state that cannot be used. */
    public static final class Refused extends RuntimeException {

        private final Refusal refusal;

        public Refused(Refusal refusal) {
            super(refusal.name(), null, false, false);
            this.refusal = refusal;
        }

        public Refusal refusal() {
            return refusal;
        }
    }

    /** A state just issued, and when it stops being accepted. */
    public record Issued(String value, Instant expiresAt) {}

    private final Sealer sealer;
    private final Clock clock;

    SealedState(Sealer sealer, Clock clock) {
        this.sealer = sealer;
        this.clock = clock;
    }

    public Issued issue(String purpose, Duration lifetime, String... fields) {
        Instant expiresAt = clock.instant().plus(lifetime);
        String plain = expiresAt.getEpochSecond() + (fields.length == 0 ? "" : "\n" + String.join("\n", fields));
        return new Issued(sealer.seal(plain, purpose), expiresAt);
    }

    /** The state's fields, as issued for {@code purpose} with {@code fields} fields; {@link Refused} otherwise. */
    public List<String> open(String state, String purpose, int fields) {
        if (state == null || state.isBlank()) {
            throw new Refused(Refusal.MISSING);
        }
        String[] parts;
        try {
            parts = sealer.open(state, purpose).split("\n", fields + 1);
        } catch (SealingException e) {
            throw new Refused(Refusal.FOREIGN);
        }
        if (parts.length != fields + 1) {
            throw new Refused(Refusal.FOREIGN);
        }
        if (Instant.ofEpochSecond(Long.parseLong(parts[0])).isBefore(clock.instant())) {
            throw new Refused(Refusal.EXPIRED);
        }
        return Arrays.asList(parts).subList(1, parts.length);
    }
}
