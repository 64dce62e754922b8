package dev.para.dispatch.github.manifest;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The one-click creation of the service's GitHub App (see {@link AppManifestService}). */
@Path("/github/app-manifest")
@Tag(name = "GitHub")
public class AppManifestResource {

    private final AppManifestService manifests;

    AppManifestResource(AppManifestService manifests) {
        this.manifests = manifests;
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    @Operation(summary = "A page that creates the service's GitHub App at GitHub (only while none is set up)")
    public Response page(@Context UriInfo uri, @QueryParam("organization") String organization,
            @QueryParam("name") String name) {
        String page = manifests.page(uri.getBaseUri(), Optional.ofNullable(organization).filter(o -> !o.isBlank()),
                Optional.ofNullable(name).filter(n -> !n.isBlank()));
        // The page carries a fresh state: never cached, never framed.
        return Response.ok(page).header("Cache-Control", "no-store").header("X-Frame-Options", "DENY").build();
    }

    @GET
    @Path("/callback")
    @Operation(summary = "GitHub's redirect after creating the App: stores it and sends the operator to install it")
    public Uni<Response> callback(@QueryParam("code") String code, @QueryParam("state") String state) {
        return manifests.complete(code, state).map(install -> Response.seeOther(install).build());
    }
}
