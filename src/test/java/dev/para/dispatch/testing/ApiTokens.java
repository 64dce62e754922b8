package dev.para.dispatch.testing;

import io.smallrye.jwt.build.Jwt;
import java.time.Duration;

/** Bearer tokens for the API, signed with the test key the service is configured to trust. */
public final class ApiTokens {

    private ApiTokens() {}

    public static String forAccount(String account) {
        return Jwt.issuer("para-dispatch").subject(account).upn(account + "@example.test")
                .expiresIn(Duration.ofMinutes(10)).sign("jwt/private-key.pem");
    }

    public static String bearer(String account) {
        return "Bearer " + forAccount(account);
    }
}
