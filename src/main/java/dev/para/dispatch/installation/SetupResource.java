package dev.para.dispatch.installation;

import dev.para.dispatch.api.ProblemException;
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
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The browser's side of installing the App: the install link ({@code /github/install}) and the
 * App's "Setup URL" ({@code /github/setup}, with "Request user authorization (OAuth) during
 * installation" on), where GitHub redirects the installing user with {@code code},
 * {@code installation_id} and the {@code state} of the install link.
 */
@Path("/github")
@Tag(name = "GitHub")
public class SetupResource {

    private final InstallationLinking linking;

    SetupResource(InstallationLinking linking) {
        this.linking = linking;
    }

    /** The install link from {@code GET /api/v1/installations/install-url}: bound to this browser, then on to GitHub. */
    @GET
    @Path("/install")
    @Operation(
            summary = "The install link: binds its state to this browser, then redirects to GitHub's installation page")
    public Uni<Response> install(@QueryParam("state") String state) {
        return linking.toGitHub(state).map(to -> BrowserStates.redirect(to.location(), to.cookie()));
    }

    @GET
    @Path("/setup")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Installation setup callback: link the installation to the account named by state")
    @APIResponse(
            responseCode = "200",
            description = "Linked",
            content = @Content(schema = @Schema(implementation = InstallationView.class)))
    public Uni<Response> setup(
            @QueryParam("code") String code,
            @QueryParam("installation_id") String installationId,
            @QueryParam("state") String state,
            @QueryParam("setup_action") String setupAction,
            @Context HttpHeaders browser) {
        if (code == null || code.isBlank()) {
            throw ProblemException.badRequest(
                    "code", "is required: enable 'Request user authorization (OAuth) during installation'");
        }
        long id;
        try {
            id = Long.parseLong(installationId);
        } catch (NumberFormatException e) {
            throw ProblemException.badRequest("installation_id", "must be a number");
        }
        return linking.complete(code, id, state, browser)
                .map(view -> Response.ok(view)
                        .cookie(BrowserStates.spent(BrowserStates.Flow.INSTALLATION_SETUP))
                        .build());
    }
}
