package dev.para.dispatch.installation;

import dev.para.dispatch.api.ApiConfig;
import dev.para.dispatch.api.CallerAccount;
import dev.para.dispatch.api.Cursor;
import dev.para.dispatch.api.Page;
import dev.para.dispatch.identity.GitHubIdentities;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The caller's installations of the GitHub App. */
@Path("/api/v1/installations")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
@Tag(name = "Installations")
@SecurityRequirement(name = "jwt")
public class InstallationResource {

    private final InstallationService installations;
    private final InstallationLinking linking;
    private final GitHubIdentities identities;
    private final CallerAccount caller;
    private final ApiConfig config;

    InstallationResource(
            InstallationService installations,
            InstallationLinking linking,
            GitHubIdentities identities,
            CallerAccount caller,
            ApiConfig config) {
        this.installations = installations;
        this.identities = identities;
        this.linking = linking;
        this.caller = caller;
        this.config = config;
    }

    @GET
    @Operation(summary = "List the caller's installations", description = "Cursor-paged, oldest installation first.")
    public Uni<Page<InstallationView>> list(
            @QueryParam("limit") @Min(1) @Max(1000) Integer limit, @QueryParam("cursor") String cursor) {
        long after = Cursor.decodeLong(cursor, Long.MIN_VALUE);
        return Page.read(
                limit, config, n -> installations.page(caller.id(), after, n), last -> Cursor.encode(last.id()));
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One of the caller's installations, with its granted repositories")
    public Uni<InstallationView> get(@PathParam("id") long id) {
        return installations.get(caller.id(), id);
    }

    @GET
    @Path("/install-url")
    @Operation(
            summary = "Where to send the user to install the App and link the installation to this account",
            description = "The link leads through this service, which binds it to the browser that opens it first,"
                    + " to GitHub's installation page; it works once, for 10 minutes. GitHub sends the user back to"
                    + " the setup callback, which links the installation if the user installed it, is the user"
                    + " account it is installed on, or owns its organization.")
    public Uni<InstallationLinking.InstallUrl> installUrl(@Context UriInfo uri) {
        return linking.installUrl(caller.id(), caller.actor(), uri.getBaseUri());
    }

    @DELETE
    @Path("/{id}/link")
    @Operation(
            summary = "Unlink one of the caller's installations from the account",
            description =
                    "The installation stays installed at GitHub; it can be linked again through a new install link.")
    @APIResponse(responseCode = "204", description = "Unlinked")
    public Uni<Void> unlink(@PathParam("id") long id) {
        return identities
                .of(caller.id())
                .flatMap(identity -> installations.unlink(
                        caller.id(),
                        caller.actor(),
                        identity.map(GitHubIdentities.Identity::login).orElse(null),
                        id));
    }
}
