package dev.para.dispatch.installation;

import dev.para.dispatch.api.ApiConfig;
import dev.para.dispatch.api.CallerAccount;
import dev.para.dispatch.api.Cursor;
import dev.para.dispatch.api.Page;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
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
    private final CallerAccount caller;
    private final ApiConfig config;

    InstallationResource(InstallationService installations, InstallationLinking linking, CallerAccount caller,
            ApiConfig config) {
        this.installations = installations;
        this.linking = linking;
        this.caller = caller;
        this.config = config;
    }

    @GET
    @Operation(summary = "List the caller's installations", description = "Cursor-paged, oldest installation first.")
    public Uni<Page<InstallationView>> list(@QueryParam("limit") @Min(1) @Max(1000) Integer limit,
            @QueryParam("cursor") String cursor) {
        long after = Cursor.decodeLong(cursor, Long.MIN_VALUE);
        return Page.read(limit, config, n -> installations.page(caller.id(), after, n), last -> Cursor.encode(last.id()));
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One of the caller's installations, with its granted repositories")
    public Uni<InstallationView> get(@PathParam("id") long id) {
        return installations.get(caller.id(), id);
    }

    @GET
    @Path("/install-url")
    @Operation(summary = "Where to send the user to install the App and link the installation to this account",
            description = "The URL carries a sealed, short-lived state naming the caller's account; GitHub hands it "
                    + "back to the setup callback.")
    public InstallationLinking.InstallUrl installUrl() {
        return linking.installUrl(caller.id(), caller.actor());
    }
}
