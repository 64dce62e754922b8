package dev.para.dispatch.identity;

import dev.para.dispatch.crypto.BrowserStates;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The browser's side of linking a GitHub identity: the link, then GitHub's OAuth redirect. */
@Path("/github/identity")
@Tag(name = "GitHub")
public class GitHubIdentityCallbackResource {

    private final GitHubIdentities identities;

    GitHubIdentityCallbackResource(GitHubIdentities identities) {
        this.identities = identities;
    }

    @GET
    @Operation(
            summary =
                    "The identity link: binds its state to this browser, then redirects to GitHub's authorization page")
    public Uni<Response> link(@QueryParam("state") String state, @Context UriInfo uri) {
        return identities
                .toGitHub(state, uri.getBaseUri())
                .map(to -> BrowserStates.redirect(to.location(), to.cookie()));
    }

    @GET
    @Path("/callback")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "GitHub's OAuth redirect: records who the user is for the account that asked")
    public Uni<Response> callback(
            @QueryParam("code") String code, @QueryParam("state") String state, @Context HttpHeaders browser) {
        return identities
                .complete(code, state, browser)
                .map(identity -> Response.ok(Map.of("login", identity.login(), "userId", identity.userId()))
                        .cookie(BrowserStates.spent(BrowserStates.Flow.GITHUB_IDENTITY))
                        .build());
    }
}
