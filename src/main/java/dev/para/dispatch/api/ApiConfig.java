package dev.para.dispatch.api;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/** The public API: who the caller is and how lists page. */
@ConfigMapping(prefix = "para.api")
public interface ApiConfig {

    /** The JWT claim whose value is the caller's account id. */
    @WithDefault("sub")
    String accountClaim();

    /** The largest page a list endpoint returns; also the default page size. */
    @WithDefault("100")
    int maxPageSize();

    /**
     * A group (the token's {@code groups} claim) every caller must be in, for an identity provider
     * that issues tokens to more people than may use this service; absent, any valid token will do.
     */
    Optional<String> requiredGroup();
}
