package dev.para.dispatch.registry;

import dev.para.dispatch.Retryable;
import java.time.Duration;
import java.util.Optional;

/**
 * An image check that failed, typed. The message is ours plus the registry's own error code and
 * message (never a credential or a token).
 */
public class RegistryException extends RuntimeException implements Retryable {

    private final RegistryError error;
    private final transient Optional<Duration> retryAfter;

    public RegistryException(RegistryError error, String detail, Duration retryAfter) {
        super(detail == null ? error.summary() : error.summary() + ": " + detail, null, false, false);
        this.error = error;
        this.retryAfter = Optional.ofNullable(retryAfter);
    }

    public RegistryError error() {
        return error;
    }

    @Override
    public boolean isRetryable() {
        return error.retryable();
    }

    public Optional<Duration> retryAfter() {
        return retryAfter;
    }
}
