package dev.para.dispatch.github.manifest;

import dev.para.dispatch.crypto.BrowserStates;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The one-click creation of the service's GitHub App (see {@link AppManifestService}). */
@Path("/github/app-manifest")
@Tag(name = "GitHub")
public class AppManifestResource {

    /** Where the reset endpoint takes the setup secret (a header: it is no page a browser opens). */
    static final String SETUP_SECRET_HEADER = "X-Para-Setup-Secret";

    private final AppManifestService manifests;

    AppManifestResource(AppManifestService manifests) {
        this.manifests = manifests;
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    @Operation(
            summary = "A page that creates the service's GitHub App at GitHub (only with the setup secret, only"
                    + " while no App is set up)")
    public Uni<Response> page(
            @Context UriInfo uri,
            @QueryParam("setup_secret") String setupSecret,
            @QueryParam("organization") String organization,
            @QueryParam("name") String name) {
        return manifests
                .page(
                        uri.getBaseUri(),
                        Optional.ofNullable(organization).filter(o -> !o.isBlank()),
                        Optional.ofNullable(name).filter(n -> !n.isBlank()),
                        setupSecret)
                // The page carries a fresh state: never cached, never framed, its address never passed on.
                .map(page -> Response.ok(page.html())
                        .cookie(page.cookie())
                        .header("Cache-Control", "no-store")
                        .header("X-Frame-Options", "DENY")
                        .header("Referrer-Policy", "no-referrer")
                        .build());
    }

    @GET
    @Path("/callback")
    @Operation(summary = "GitHub's redirect after creating the App: stores it and sends the operator to install it")
    public Uni<Response> callback(
            @QueryParam("code") String code, @QueryParam("state") String state, @Context HttpHeaders browser) {
        return manifests
                .complete(code, state, browser)
                .map(install -> Response.seeOther(install)
                        .cookie(BrowserStates.spent(BrowserStates.Flow.APP_MANIFEST))
                        .build());
    }

    @DELETE
    @Path("/app")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary =
                    "Forgets the App the manifest flow created (with the setup secret), so that it can be created again")
    public Uni<Map<String, Long>> reset(@HeaderParam(SETUP_SECRET_HEADER) String setupSecret) {
        return manifests.reset(setupSecret).map(appId -> Map.of("resetAppId", appId));
    }
}
