package dev.para.dispatch.api;

import jakarta.enterprise.context.RequestScoped;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** The account of the authenticated caller, read from the configured JWT claim. */
@RequestScoped
public class CallerAccount {

    private final JsonWebToken jwt;
    private final ApiConfig config;

    CallerAccount(JsonWebToken jwt, ApiConfig config) {
        this.jwt = jwt;
        this.config = config;
    }

    /** The caller's account id; a token without the claim is not a caller of this API. */
    public String id() {
        Object claim = jwt.getClaim(config.accountClaim());
        String account = claim == null ? null : claim.toString();
        if (account == null || account.isBlank()) {
            throw ProblemException.unauthorized("The token carries no '" + config.accountClaim() + "' claim");
        }
        return account;
    }

    /** Who acts, for the audit log. */
    public String actor() {
        return jwt.getName() == null ? id() : jwt.getName();
    }
}
