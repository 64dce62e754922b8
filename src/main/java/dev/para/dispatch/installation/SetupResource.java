package dev.para.dispatch.installation;

import dev.para.dispatch.api.ProblemException;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The GitHub App's "Setup URL" (with "Request user authorization (OAuth) during installation" on):
 * GitHub redirects the installing user here with {@code code}, {@code installation_id} and the
 * {@code state} we put in the install link.
 */
@Path("/github/setup")
@Tag(name = "GitHub")
public class SetupResource {

    private final InstallationLinking linking;

    SetupResource(InstallationLinking linking) {
        this.linking = linking;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Installation setup callback: link the installation to the account named by state")
    public Uni<InstallationView> setup(@QueryParam("code") String code,
            @QueryParam("installation_id") String installationId, @QueryParam("state") String state,
            @QueryParam("setup_action") String setupAction) {
        if (code == null || code.isBlank()) {
            throw ProblemException.badRequest("code", "is required: enable 'Request user authorization (OAuth) during installation'");
        }
        long id;
        try {
            id = Long.parseLong(installationId);
        } catch (NumberFormatException e) {
            throw ProblemException.badRequest("installation_id", "must be a number");
        }
        return linking.complete(code, id, state);
    }
}
