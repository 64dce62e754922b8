package dev.para.dispatch.api;

import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import org.eclipse.microprofile.config.Config;

/**
 * The API's bearer tokens must be meant for this service: in production it does not start unless
 * {@code mp.jwt.verify.audiences} names the audience its tokens carry, so that a token the identity
 * provider issued for another application of the same issuer is refused (401). Dev mode and the
 * tests may leave it out.
 */
@ApplicationScoped
public class ApiTokenCheck {

    static final String AUDIENCES = "mp.jwt.verify.audiences";

    void atStart(@Observes StartupEvent start, Config config) {
        List<String> audiences =
                config.getOptionalValues(AUDIENCES, String.class).orElse(List.of());
        if (LaunchMode.current() == LaunchMode.NORMAL && audiences.stream().allMatch(String::isBlank)) {
            throw new IllegalStateException(AUDIENCES + " is required: set it (chart value api.jwt.audience) to the"
                    + " audience ('aud') your identity provider puts in the tokens meant for this service");
        }
    }
}
