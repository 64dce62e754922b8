package dev.para.dispatch.crypto;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready while the active sealing key seals and opens. The key ring was checked at start; a key
 * directory changed since (a rotation that lost the active key, a damaged file) turns this DOWN
 * with the reason, and the ring read at start stays in use meanwhile.
 */
@Readiness
@ApplicationScoped
public class SealingKeysHealthCheck implements HealthCheck {

    private final Sealer sealer;

    SealingKeysHealthCheck(Sealer sealer) {
        this.sealer = sealer;
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("sealing keys");
        return sealer.recheck()
                .map(problem -> response.down().withData("problem", problem))
                .orElseGet(() -> response.up().withData("activeKey", sealer.activeKeyId()))
                .build();
    }
}
