package dev.para.dispatch.api;

import jakarta.enterprise.context.RequestScoped;
import java.util.regex.Pattern;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * The account of the authenticated caller, read from the configured JWT claim. The claim's value
 * names rows, log lines and audit events, so only a plain identifier is an account; and when a
 * group is required, a caller outside it is refused.
 */
@RequestScoped
public class CallerAccount {

    /** What an account id may be: letters, digits and {@code ._@:-}, at most 128. */
    static final Pattern ACCOUNT = Pattern.compile("[A-Za-z0-9._@:-]{1,128}");

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
        if (!ACCOUNT.matcher(account).matches()) {
            throw ProblemException.unauthorized("The token's '" + config.accountClaim() + "' claim is not an account id"
                    + " (letters, digits and ._@:- only, at most 128)");
        }
        config.requiredGroup().ifPresent(group -> {
            if (jwt.getGroups() == null || !jwt.getGroups().contains(group)) {
                throw new ProblemException(
                        ProblemType.FORBIDDEN,
                        "The token is not in the group '" + group + "' that may use this service");
            }
        });
        return account;
    }

    /** Who acts, for the audit log. */
    public String actor() {
        return jwt.getName() == null ? id() : jwt.getName();
    }
}
