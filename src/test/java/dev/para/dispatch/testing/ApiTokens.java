package dev.para.dispatch.testing;

import io.smallrye.jwt.build.Jwt;
import java.time.Duration;

/** Bearer tokens for the API, signed with the test key the service is configured to trust. */
public final class ApiTokens {

    /** The audience the service under test is configured to accept (mp.jwt.verify.audiences). */
    public static final String AUDIENCE = "para-dispatch";

    private ApiTokens() {}

    public static String forAccount(String account) {
        return Jwt.issuer("para-dispatch")
                .audience(AUDIENCE)
                .subject(account)
                .upn(account + "@example.test")
                .expiresIn(Duration.ofMinutes(10))
                .sign("jwt/private-key.pem");
    }

    public static String bearer(String account) {
        return "Bearer " + forAccount(account);
    }
}
