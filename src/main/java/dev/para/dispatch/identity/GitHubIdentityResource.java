package dev.para.dispatch.identity;

import dev.para.dispatch.api.CallerAccount;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The GitHub user the caller's account acts as. */
@Path("/api/v1/me/github")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
@Tag(name = "Accounts")
@SecurityRequirement(name = "jwt")
public class GitHubIdentityResource {

    /** The linked identity (null until one is linked), and the link that links (or replaces) it. */
    public record GitHubIdentityView(String login, Long userId, String linkUrl, Instant linkExpiresAt) {}

    private final GitHubIdentities identities;
    private final CallerAccount caller;

    GitHubIdentityResource(GitHubIdentities identities, CallerAccount caller) {
        this.identities = identities;
        this.caller = caller;
    }

    @GET
    @Operation(
            summary = "The GitHub user this account acts as, and a link to link one",
            description =
                    "Sessions act for this user and run only on repositories the user may push to. Open linkUrl in a"
                            + " browser (once, within 10 minutes) and authorize the App at GitHub to link or replace it.")
    public Uni<GitHubIdentityView> get(@Context UriInfo uri) {
        return identities
                .of(caller.id())
                .flatMap(identity -> identities
                        .linkUrl(caller.id(), caller.actor(), uri.getBaseUri())
                        .map(link -> new GitHubIdentityView(
                                identity.map(GitHubIdentities.Identity::login).orElse(null),
                                identity.map(GitHubIdentities.Identity::userId).orElse(null),
                                link.url(),
                                link.expiresAt())));
    }
}
